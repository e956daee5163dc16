import { decide, InboundEvent, parsePlaybook } from "@redial/core";
import { describe, expect, it } from "vitest";
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
