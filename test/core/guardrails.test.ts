import {
  decide,
  InboundEvent,
  type Prospect,
  parsePlaybook,
  prospectCalendar,
  sendVerdict,
  type Timer,
  timelineEntry,
} from "@redial/core";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { apart, nextAllowed } from "../../packages/core/src/decide/guardrails/g9-spacing.ts";
import { actionsOf, chain, event, fire, only, playbook, playbookText, softNo } from "../support/core.ts";

const MON_10AM = "2026-11-16T10:00:00-05:00";
const WED_2PM = "2026-11-18T14:00:00-05:00";

describe("G1 at plan time: no email where none may go", () => {
  it("plans no email step without an address, and says so", () => {
    const { last } = chain([softNo(MON_10AM, { email: undefined })]);
    expect(actionsOf(last, "email")).toEqual([]);
    expect(actionsOf(last, "call")).toHaveLength(1);
    expect(last.remarks).toContain("no email address on file: email steps skipped");
  });

  it("plans no email to a suppressed address", () => {
    const d = decide(null, softNo(MON_10AM), playbook, new Date(MON_10AM), { suppressed: true });
    expect(actionsOf(d, "email")).toEqual([]);
    expect(d.remarks.join(" ")).toMatch(/suppressed/);
  });
});

describe("G2 at plan time: every planned email is inside the prospect's send window", () => {
  it("nurture emails land Tue–Thu 08:00–11:00 local, DST or not", () => {
    const { last } = chain([softNo(MON_10AM), softNo(WED_2PM)]);
    for (const email of actionsOf(last, "email")) {
      const local = new Date(email.at).toLocaleString("en-US", {
        timeZone: "America/New_York",
        weekday: "short",
        hour: "2-digit",
        hour12: false,
      });
      expect(local).toMatch(/^(Tue|Wed|Thu),? (08|09|10)$/);
    }
  });

  it("an unknown zone falls back to the owner's", () => {
    const d = chain([
      softNo(MON_10AM, { timezone: undefined, owner: { id: "rep-1", timezone: "Asia/Kolkata" } }),
    ]).last;
    expect(only(actionsOf(d, "email")).at).toBe("2026-11-17T02:30:00Z"); // Tue 08:00 IST
  });
});

describe("G2: an unknown time zone is not refused; the decision falls back and says so", () => {
  const MARS = "Mars/Olympus";

  it("a bad prospect zone with a valid owner zone plans in the owner's zone, and names both", () => {
    const d = chain([
      softNo(MON_10AM, { timezone: MARS, owner: { id: "rep-1", timezone: "Asia/Kolkata" } }),
    ]).last;
    expect(d.remarks).toContain(
      'timezone "Mars/Olympus" is not an IANA zone: using Asia/Kolkata (the owner\'s) (G2)',
    );
    expect(only(actionsOf(d, "email")).at).toBe("2026-11-17T02:30:00Z"); // Tue 08:00 IST
    expect(only(actionsOf(d, "email")).zone).toBe("Asia/Kolkata");
  });

  it("bad prospect and owner zones plan in the team's zone, one remark each", () => {
    const tokyo = { ...playbook, team: { ...playbook.team, timezone: "Asia/Tokyo" } };
    const input = softNo(MON_10AM, { timezone: MARS, owner: { id: "rep-1", timezone: "Venus/Maxwell" } });
    const d = decide(null, input, tokyo, new Date(MON_10AM));
    expect(d.remarks.slice(0, 2)).toEqual([
      'timezone "Mars/Olympus" is not an IANA zone: using Asia/Tokyo (the team\'s) (G2)',
      'owner.timezone "Venus/Maxwell" is not an IANA zone: using Asia/Tokyo (the team\'s) (G2)',
    ]);
    expect(d.actions.every((a) => a.zone === "Asia/Tokyo" && a.local?.endsWith("+09:00"))).toBe(true);
  });

  it("the stored profile holds no unknown zone: none for a new prospect, the owner's without it", () => {
    const d = chain([softNo(MON_10AM, { timezone: MARS, owner: { id: "rep-1", timezone: MARS } })]).last;
    expect(d.next.profile.timezone).toBeUndefined();
    expect(d.next.profile.owner).toEqual({ id: "rep-1" });
  });

  it("the stored profile keeps the last valid zones, and the decision uses the prospect's", () => {
    const first = softNo(MON_10AM, {
      timezone: "Europe/Berlin",
      owner: { id: "rep-1", timezone: "Asia/Kolkata" },
    });
    const second = event(
      "prospect.updated",
      WED_2PM,
      {},
      { timezone: MARS, owner: { id: "rep-1", timezone: MARS } },
    );
    const { last } = chain([first, second]);
    expect(last.next.profile.timezone).toBe("Europe/Berlin");
    expect(last.next.profile.owner?.timezone).toBe("Asia/Kolkata");
    expect(last.remarks).toContain(
      'timezone "Mars/Olympus" is not an IANA zone: using Europe/Berlin (the prospect\'s last valid zone) (G2)',
    );
    // Nothing moved: the zone did not change (R13 re-plans timers only on a real change).
    expect(last.actions).toEqual([]);
  });

  it("the event schema takes any zone text up to 64 characters; longer or not text is refused", () => {
    const base = { type: "prospect.updated", occurredAt: MON_10AM };
    const parse = (timezone: unknown, owner?: unknown) =>
      InboundEvent.safeParse({ ...base, prospect: { id: "p-1", timezone, ...(owner ? { owner } : {}) } });
    expect(parse(MARS).success).toBe(true);
    expect(parse("x".repeat(64)).success).toBe(true);
    expect(parse("America/New_York", { id: "rep-1", timezone: MARS }).success).toBe(true);
    expect(parse("x".repeat(65)).success).toBe(false);
    expect(parse(42).success).toBe(false);
    expect(parse("America/New_York", { id: "rep-1", timezone: ["Europe/Berlin"] }).success).toBe(false);
  });

  it("R13 still re-plans when the zone used changes: a bad prospect zone, the owner moved to Chicago", () => {
    const first = softNo(MON_10AM, { timezone: undefined, owner: { id: "rep-1", timezone: "Asia/Kolkata" } });
    const second = event(
      "prospect.updated",
      WED_2PM,
      {},
      { timezone: MARS, owner: { id: "rep-1", timezone: "America/Chicago" } },
    );
    const { last } = chain([first, second]);
    expect(last.rule).toBe("R13");
    expect(last.remarks).toEqual(
      expect.arrayContaining([
        'timezone "Mars/Olympus" is not an IANA zone: using America/Chicago (the owner\'s) (G2)',
        "Time zone Asia/Kolkata → America/Chicago: pending timers keep their local time.",
      ]),
    );
    expect(last.actions.map((a) => a.type)).toContain("cancel"); // the moved timers, planned again
    expect(last.actions.filter((a) => a.type !== "cancel").every((a) => a.zone === "America/Chicago")).toBe(
      true,
    );
  });

  it("a new owner with a bad zone does not inherit the previous owner's zone", () => {
    const first = softNo(MON_10AM, { owner: { id: "rep-1", timezone: "Asia/Kolkata" } });
    const second = event("prospect.updated", WED_2PM, {}, { owner: { id: "rep-2", timezone: MARS } });
    expect(chain([first, second]).last.next.profile.owner).toEqual({ id: "rep-2" });
  });
});

describe('G2: every action carries its local time and zone (CONTRACT.md "Local times")', () => {
  it("a Europe/Berlin prospect's actions in winter are at +01:00, the same instant as `at`", () => {
    const d = chain([softNo(MON_10AM, { timezone: "Europe/Berlin" })]).last;
    expect(d.actions.length).toBeGreaterThan(1);
    for (const action of d.actions) {
      expect(action.zone).toBe("Europe/Berlin");
      expect(action.local).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+01:00$/);
      expect(Date.parse(action.local ?? "")).toBe(Date.parse(action.at));
    }
  });

  it("a summer instant is at +02:00, a cancel at now too", () => {
    const summer = "2027-06-14T10:00:00+02:00";
    const { last } = chain([
      softNo(summer, { timezone: "Europe/Berlin" }),
      event("prospect.replied", "2027-06-15T10:00:00+02:00", {}, { timezone: "Europe/Berlin" }),
    ]);
    const cancel = only(last.actions.filter((a) => a.type === "cancel"));
    expect(cancel).toMatchObject({ at: "2027-06-15T08:00:00Z", local: "2027-06-15T10:00:00+02:00" });
  });

  it("a zone with a half-hour offset and the team's zone at +00:00 are written as offsets, not Z", () => {
    const kolkata = chain([softNo(MON_10AM, { timezone: "Asia/Kolkata" })]).last;
    expect(kolkata.actions.every((a) => a.local?.endsWith("+05:30"))).toBe(true);
    const london = chain([softNo(MON_10AM, { timezone: "Europe/London" })]).last;
    expect(london.actions.every((a) => a.local?.endsWith("+00:00"))).toBe(true);
  });
});

describe("G3 at plan time: at most 2 automated emails per prospect per rolling 7 days", () => {
  it("defers an email that would be the 3rd in 7 days until the oldest ages out, never drops it", () => {
    const start = {
      ...chain([softNo(MON_10AM)]).state,
      recentEmails: ["2026-11-16T14:00:00Z", "2026-11-17T14:00:00Z"],
    };
    const { last } = chain([softNo(WED_2PM)], { start });
    const emails = actionsOf(last, "email");
    expect(emails).toHaveLength(4);
    // nurture-1 would go Thu Nov 19; the week of Nov 16's email ends Mon Nov 23 → first preferred slot Tue Nov 24.
    expect(emails[0]?.at).toBe("2026-11-24T13:00:00Z");
    const times = emails
      .map((e) => Date.parse(e.at))
      .concat(start.recentEmails.map(Date.parse))
      .sort();
    for (let i = 2; i < times.length; i++)
      expect((times[i] ?? 0) - (times[i - 2] ?? 0)).toBeGreaterThanOrEqual(7 * 86_400_000);
  });
});

describe("G6: an older event cannot move the prospect backwards", () => {
  it("is recorded (version moves) but not applied; state, timers and lastEventAt stay", () => {
    const { decisions, last } = chain([softNo(WED_2PM), event("prospect.replied", MON_10AM)], {
      now: "2026-11-18T20:00:00Z",
    });
    const before = decisions[0]?.next;
    expect(last).toMatchObject({ rule: "G6", applied: false, actions: [] });
    expect(last.reason).toMatch(/before the last applied event/);
    expect(last.next.version).toBe(2);
    expect({ ...last.next, version: 1, updatedAt: before?.updatedAt }).toEqual(before);
  });

  it("cannot resurrect an opted-out prospect with an old soft no", () => {
    const { last } = chain([event("prospect.opted_out", WED_2PM), softNo(MON_10AM)], {
      now: "2026-11-18T20:00:00Z",
    });
    expect(last.applied).toBe(false);
    expect(last.next.status).toBe("opted_out");
  });

  it("a CRM clock running ahead does not make the next events look old", () => {
    const now = "2026-11-16T15:00:00Z";
    const { last } = chain([softNo("2026-11-17T10:00:00-05:00"), softNo("2026-11-16T16:00:00Z")], { now });
    expect(last.rule).toBe("R3"); // the first was stored as happening "now", not tomorrow
  });

  it("an event at the same instant as the last one still applies", () => {
    const { last } = chain([softNo(MON_10AM), softNo(MON_10AM)]);
    expect(last.rule).toBe("R3");
  });
});

describe("G7: a drip never runs past the next call or recycle", () => {
  it("drops nurture emails that would fall after an early recycle", () => {
    const short = parsePlaybook(
      playbookText.replace("B: { recycleAfterDays: 180 }", "B: { recycleAfterDays: 20 }"),
    );
    const first = decide(null, softNo(MON_10AM), short, new Date(MON_10AM));
    const d = decide(first.next, softNo(WED_2PM), short, new Date(WED_2PM));
    const recycle = only(actionsOf(d, "recycle"));
    const emails = actionsOf(d, "email");
    expect(emails.length).toBeLessThan(4);
    expect(emails.every((e) => e.at <= recycle.at)).toBe(true);
    expect(d.remarks.join(" ")).toMatch(/G7/);
  });

  it("a new cycle supersedes the old drip (R12 cancels it)", () => {
    const short = parsePlaybook(
      playbookText.replace("B: { recycleAfterDays: 180 }", "B: { recycleAfterDays: 20 }"),
    );
    const nurturing = decide(
      decide(null, softNo(MON_10AM), short, new Date(MON_10AM)).next,
      softNo(WED_2PM),
      short,
      new Date(WED_2PM),
    ).next;
    const d = fire(nurturing, "recycle", short).decision;
    expect(d.next.timers).toEqual([]);
  });
});

// ——— G8 and G9 (December additions): steps that come due late ———

const NOW = "2026-11-17T15:00:00Z"; // Tue 17 Nov 2026, 10:00 New York
const YEAR_AGO = isoMinus(NOW, 365); // Mon 17 Nov 2025, 10:00 New York
const ny = prospectCalendar({ timezone: "America/New_York" }, playbook);
const businessDaysFrom = (a: string, b: string) =>
  ny.businessDaysBetween(DateTime.fromISO(a), DateTime.fromISO(b));

function isoMinus(iso: string, days: number) {
  return new Date(Date.parse(iso) - days * 86_400_000).toISOString().replace(".000Z", "Z");
}

/** Every pair of emails at least the same local time one business day apart (G9's min gap). */
function expectMinGap(times: string[]) {
  const sorted = [...times].sort();
  for (let i = 1; i < sorted.length; i++) {
    const before = ny.addBusinessDays(DateTime.fromISO(sorted[i - 1] ?? ""), 1);
    expect(Date.parse(sorted[i] ?? ""), `${sorted[i]} after ${sorted[i - 1]}`).toBeGreaterThanOrEqual(
      before.toMillis(),
    );
  }
}

describe("G8 at plan time: a moment-bound step too late for its words is skipped", () => {
  it("an imported rejection a year old: no bad-time-note (remark with planned and actual time), the retry still planned", () => {
    const d = decide(null, softNo(YEAR_AGO), playbook, new Date(NOW));
    expect(d.rule).toBe("R2");
    expect(actionsOf(d, "email")).toEqual([]);
    expect(actionsOf(d, "call")).toHaveLength(1);
    const remark = only(d.remarks.filter((r) => r.includes("G8")));
    expect(remark).toContain("bad-time-note was planned for 2025-11-18T13:00:00Z"); // Tue 08:00 EST
    expect(remark).toContain("would go out 2026-11-17T15:00:00Z");
    // …and on the prospect's timeline, with the decision.
    expect(timelineEntry(d, { at: new Date(NOW), type: "call.rejected" }).remarks).toContain(remark);
  });

  it("an imported voicemail from last year: no voicemail-followup (R8), the next call still planned", () => {
    const d = decide(null, event("call.no_answer", YEAR_AGO, { voicemail: true }), playbook, new Date(NOW));
    expect(d.rule).toBe("R8");
    expect(actionsOf(d, "email")).toEqual([]);
    expect(actionsOf(d, "call")).toHaveLength(1);
    expect(d.remarks.join(" ")).toMatch(/voicemail-followup was planned for .*skipped \(G8\)/);
  });

  it("a fresh rejection still gets its note; exactly 2 business days late sends, 3 skips", () => {
    const MON = "2026-11-16T15:00:00Z"; // the note is planned for Tue 17 Nov 08:00 (13:00Z)
    const fresh = decide(null, softNo(MON), playbook, new Date(MON));
    expect(only(actionsOf(fresh, "email")).at).toBe("2026-11-17T13:00:00Z");

    // Decided Wed 17:30: the next slot is Thu 08:00, exactly 2 business days after the planned time.
    const twoLate = decide(null, softNo(MON), playbook, new Date("2026-11-18T22:30:00Z"));
    expect(only(actionsOf(twoLate, "email")).at).toBe("2026-11-19T13:00:00Z");

    // Decided Thu 17:30: the next slot is Fri 08:00, 3 business days late.
    const threeLate = decide(null, softNo(MON), playbook, new Date("2026-11-19T22:30:00Z"));
    expect(actionsOf(threeLate, "email")).toEqual([]);
    expect(threeLate.remarks.join(" ")).toMatch(/3 business day\(s\) late, more than 2: skipped \(G8\)/);
  });

  it("a new time zone (R13) moves the planned time with the timer: same local time, so no false lateness", () => {
    const state = chain([softNo("2026-11-16T15:00:00Z")]).state; // the note: Tue 08:00 New York
    const update = event("prospect.updated", "2026-11-16T16:00:00Z", {}, { timezone: "America/Los_Angeles" });
    const d = decide(state, update, playbook, new Date("2026-11-16T16:00:00Z"));
    const note = only(d.next.timers.filter((t) => t.kind === "email"));
    expect(note).toMatchObject({ at: "2026-11-17T16:00:00Z", plannedAt: "2026-11-17T16:00:00Z" }); // 08:00 LA
  });

  it("only momentBound sequences: without the flag the late note goes out", () => {
    const unbound = parsePlaybook(playbookText.replace(/momentBound: true/g, "momentBound: false"));
    const d = decide(null, softNo(YEAR_AGO), unbound, new Date(NOW));
    expect(actionsOf(d, "email")).toHaveLength(1);
  });
});

describe("G9 at plan time: late steps keep their spacing, and 1 business day between emails", () => {
  // Tier B's 180-day recycle would be overdue after a year, and G7 ends the drip at the recycle: a
  // longer recycle lets the whole drip show its spacing.
  const longRecycle = parsePlaybook(
    playbookText.replace("B: { recycleAfterDays: 180 }", "B: { recycleAfterDays: 600 }"),
  );

  it("R3 a year late: the 4 nurture emails keep the 0/7/21/42 business days from the first's slot", () => {
    const first = decide(null, softNo(YEAR_AGO), longRecycle, new Date(NOW));
    const d = decide(first.next, softNo(isoMinus(NOW, 363)), longRecycle, new Date(NOW));
    expect(d.rule).toBe("R3");
    const emails = actionsOf(d, "email");
    expect(emails.map((e) => e.template)).toEqual(["nurture-1", "nurture-2", "nurture-3", "nurture-4"]);
    const [one, ...rest] = emails.map((e) => e.at);
    expect(one).toBe(NOW); // the first overdue step goes at the next slot (now: Tue 10:00 is in the window)
    const gaps = rest.map((at) => businessDaysFrom(one ?? "", at));
    expect(gaps[0]).toBeGreaterThanOrEqual(7);
    expect(gaps[1]).toBeGreaterThanOrEqual(21);
    expect(gaps[2]).toBeGreaterThanOrEqual(42);
    // …and at least the gaps the playbook planned between the steps' planned slots; at most two
    // business days more, where the Tue–Thu preferred window moves a step to its next opening.
    const planned = d.timersAdded.filter((t) => t.kind === "email").map((t) => t.plannedAt ?? "");
    const plannedGaps = planned.slice(1).map((at) => businessDaysFrom(planned[0] ?? "", at));
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(plannedGaps[i] ?? Number.NaN);
      expect(gap).toBeLessThanOrEqual((plannedGaps[i] ?? Number.NaN) + 2);
    });
    expectMinGap(emails.map((e) => e.at));
  });

  it("the default tier B recycle: the year-old drip is cut at the overdue recycle (G7), never sent together", () => {
    const first = decide(null, softNo(YEAR_AGO), playbook, new Date(NOW));
    const d = decide(first.next, softNo(isoMinus(NOW, 363)), playbook, new Date(NOW));
    const emails = actionsOf(d, "email");
    expect(emails.length).toBeLessThanOrEqual(1);
    expect(d.remarks.join(" ")).toMatch(/G7/);
  });

  it("an email sent 2 hours ago pushes the next planned one to the same local time a business day later", () => {
    const start: Prospect = {
      ...chain([softNo("2026-11-16T15:00:00Z")]).state,
      timers: [],
      recentEmails: ["2026-11-17T13:00:00Z"], // Tue 08:00 New York
    };
    // The second no on Tue 10:00: nurture-1 would go at once (Tue 10:00, in the preferred window).
    const d = decide(start, softNo(NOW), playbook, new Date(NOW));
    const emails = actionsOf(d, "email");
    expect(emails[0]?.at).toBe("2026-11-18T13:00:00Z"); // Wed 08:00, one business day after Tue 08:00
    expectMinGap(["2026-11-17T13:00:00Z", ...emails.map((e) => e.at)]);
  });
});

describe("G8 and G9 at send time (sendVerdict)", () => {
  const note = (): { prospect: Prospect; timer: Timer } => {
    const prospect = chain([softNo("2026-11-16T15:00:00Z")]).state;
    const timer = only(prospect.timers.filter((t) => t.kind === "email"));
    return { prospect: { ...prospect, timers: [timer] }, timer };
  };

  it("a bad-time-note timer that fires 5 business days after its plannedAt is dropped (G8)", () => {
    const { prospect, timer } = note();
    expect(timer.plannedAt).toBe("2026-11-17T13:00:00Z"); // Tue 08:00
    const late = sendVerdict(prospect, timer, playbook, new Date("2026-11-24T14:00:00Z")); // next Tue 09:00
    expect(late).toMatchObject({ kind: "drop", rule: "G8" });
    if (late.kind === "drop") expect(late.reason).toMatch(/planned for 2026-11-17T13:00:00Z.*5 business day/);
    expect(sendVerdict(prospect, timer, playbook, new Date("2026-11-19T13:00:00Z")).kind).toBe("send");
  });

  it("a stored timer without plannedAt counts from its at", () => {
    const { prospect, timer } = note();
    const { plannedAt: _planned, ...old } = timer;
    expect(sendVerdict(prospect, old, playbook, new Date("2026-11-24T14:00:00Z")).kind).toBe("drop");
    expect(sendVerdict(prospect, old, playbook, new Date("2026-11-17T13:00:00Z")).kind).toBe("send");
  });

  it("an email with a send 2 hours ago is deferred to the same local time on the next business day (G9)", () => {
    const { prospect, timer } = note();
    const nurture = { ...timer, sequence: "nurture", template: "nurture-1", plannedAt: NOW, at: NOW };
    const recent = { ...prospect, timers: [nurture], recentEmails: ["2026-11-17T13:00:00Z"] };
    const verdict = sendVerdict(recent, nurture, playbook, new Date(NOW));
    expect(verdict).toMatchObject({ kind: "defer", rule: "G9" });
    if (verdict.kind === "defer") expect(verdict.at.toUTC().toISO()).toBe("2026-11-18T13:00:00.000Z");
  });

  it("a moment-bound email deferred past its freshness is dropped at once (G8), not deferred", () => {
    const { prospect, timer } = note();
    // Two emails in the week: G3 would defer the note by 7 days.
    const capped = { ...prospect, recentEmails: ["2026-11-16T14:00:00Z", "2026-11-16T20:00:00Z"] };
    const verdict = sendVerdict(capped, timer, playbook, new Date("2026-11-17T13:00:00Z"));
    expect(verdict).toMatchObject({ kind: "drop", rule: "G8" });
  });
});

describe("G9's min gap: the pairwise check planning uses agrees with 'the same local time n business days later'", () => {
  it("on 5,000 seeded pairs over two years (weekends, holidays, DST) in New York and Paris", () => {
    let seed = 20261207;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (const zone of ["America/New_York", "Europe/Paris"]) {
      const cal = prospectCalendar({ timezone: zone }, playbook);
      for (let i = 0; i < 2_500; i++) {
        const a = Date.UTC(2026, 0, 1) + Math.round((random() * 730 * 86_400_000) / 60_000) * 60_000;
        const b = a + Math.round((random() * 6 * 86_400_000) / 60_000) * 60_000;
        const gap = 1 + Math.floor(random() * 3);
        const [from, to] = [DateTime.fromMillis(a, { zone }), DateTime.fromMillis(b, { zone })];
        expect(apart(cal, a, b, gap), `${from.toISO()} → ${to.toISO()}, ${gap}`).toBe(
          b >= nextAllowed(cal, a, gap),
        );
      }
    }
  });
});
