/**
 * The invariant checker (issue 6), pure: snapshots built by the real decide(), ingest's timeline
 * entries and the send path's afterSend(), exactly as the store would hold them, pass; each invariant
 * (I1–I7) catches a violation crafted into an otherwise correct snapshot, and only that invariant.
 */
import {
  afterSend,
  checkAll,
  checkProspect,
  countByInvariant,
  type DecisionInput,
  decide,
  emptySnapshot,
  type InvariantId,
  isoUtc,
  type Playbook,
  type Prospect,
  type ProspectSnapshot,
  parsePlaybook,
  type ReceiptSummary,
  resultOf,
  type SendClaim,
  type SuppressionRecord,
  sendVerdict,
  type TimelineEntry,
  type Timer,
  timelineEntry,
} from "@redial/core";
import { describe, expect, it } from "vitest";
import { event, playbook, playbookText, softNo } from "../support/core.ts";

/**
 * One prospect as the store keeps it, driven like the runtime drives it: CRM events through decide()
 * (a timeline entry, a receipt), due timers in due order (emails through the send-time verdict and
 * afterSend with a claim, calls and recycles through decide()).
 */
class Sim {
  readonly book: Playbook;
  constructor(book: Playbook = playbook) {
    this.book = book;
  }
  prospect: Prospect | null = null;
  timeline: TimelineEntry[] = [];
  claims: SendClaim[] = [];
  receipts: ReceiptSummary[] = [];
  suppression: SuppressionRecord | null = null;
  #webhooks = 0;
  #messages = 0;

  event(input: Extract<DecisionInput, { prospect: unknown }>, at = input.occurredAt) {
    const now = new Date(at);
    const webhookId = `wh-${++this.#webhooks}`;
    const decision = decide(this.prospect, input, this.book, now, { suppressed: this.suppression !== null });
    this.#commit(decision.next, timelineEntry(decision, { at: now, type: input.type, webhookId }));
    const result = resultOf(input.prospect.id, webhookId, decision);
    this.receipts.push({
      webhookId,
      prospectId: input.prospect.id,
      applied: result.applied,
      state: result.state,
      rule: result.decision.rule,
    });
    for (const email of decision.suppress)
      this.suppression ??= { email, reason: decision.rule, at: isoUtc(now.getTime()) };
    return decision;
  }

  /** Runs every timer due up to `until`, oldest first, each at its own time. */
  advance(until: string) {
    for (;;) {
      const timer = this.#prospect.timers
        .filter((t) => t.kind !== "notify" && Date.parse(t.at) <= Date.parse(until))
        .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0];
      if (!timer) return;
      if (timer.kind === "email") this.#send(timer);
      else {
        const now = new Date(timer.at);
        const input = { type: "timer.due" as const, occurredAt: timer.at, timerId: timer.id };
        const decision = decide(this.#prospect, input, this.book, now);
        this.#commit(decision.next, timelineEntry(decision, { at: now, type: `timer.${timer.kind}` }));
      }
    }
  }

  #send(timer: Timer) {
    const prospect = this.#prospect;
    const now = new Date(timer.at);
    const verdict = sendVerdict(prospect, timer, this.book, now);
    if (verdict.kind === "send") {
      const messageId = `ses-${++this.#messages}`;
      this.claims.push({ timerId: timer.id, claimedAt: isoUtc(now.getTime()), messageId });
      const change = afterSend(prospect, timer, { kind: "sent", messageId }, now);
      this.#commit(change.next, change.timeline);
    } else {
      const outcome =
        verdict.kind === "drop"
          ? { kind: "dropped" as const, rule: verdict.rule, reason: verdict.reason }
          : {
              kind: "deferred" as const,
              at: isoUtc(verdict.at.toMillis()),
              rule: verdict.rule,
              reason: verdict.reason,
            };
      const change = afterSend(prospect, timer, outcome, now);
      this.#commit(change.next, change.timeline);
    }
  }

  #commit(next: Prospect, entry: TimelineEntry) {
    this.prospect = next;
    this.timeline.push(entry);
  }

  get #prospect(): Prospect {
    if (!this.prospect) throw new Error("no prospect yet");
    return this.prospect;
  }

  snapshot(): ProspectSnapshot {
    const prospect = this.#prospect;
    return {
      ...emptySnapshot(prospect.id),
      prospect,
      timeline: [...this.timeline],
      timerItems: prospect.timers.map((timer) => ({ id: timer.id, timer })),
      queueItem: prospect.queue ? { entry: prospect.queue } : null,
      claims: [...this.claims],
      receipts: [...this.receipts],
      suppression: this.suppression,
    };
  }
}

const MON_10AM = "2026-11-16T15:00:00Z"; // Mon 16 Nov 2026, 10:00 New York
const WED_2PM = "2026-11-18T19:00:00Z";

/** R2 (note sent, the retry call comes due), R3 (the nurture drip, all four sent), the recycle (R12). */
function wholeCycle() {
  const sim = new Sim();
  sim.event(softNo(MON_10AM));
  sim.advance(WED_2PM);
  sim.event(softNo(WED_2PM));
  return sim;
}

const invariantsOf = (snapshot: ProspectSnapshot) =>
  [...new Set(checkProspect(snapshot, playbook).map((v) => v.invariant))].sort();
const messagesOf = (snapshot: ProspectSnapshot, invariant: InvariantId) =>
  checkProspect(snapshot, playbook)
    .filter((v) => v.invariant === invariant)
    .map((v) => v.message);
const sends = (snapshot: ProspectSnapshot) => snapshot.timeline.filter((e) => e.type === "email.sent");

describe("correct snapshots pass", () => {
  it("a whole cycle: R2's note and retry call, R3's drip sent in full, the recycle back into the queue", () => {
    const sim = wholeCycle();
    expect(sim.prospect?.status).toBe("nurturing");
    expect(checkProspect(sim.snapshot(), playbook)).toEqual([]);

    sim.advance("2027-03-01T00:00:00Z"); // the whole drip
    expect(sends(sim.snapshot())).toHaveLength(5); // the note and nurture 1–4
    expect(checkProspect(sim.snapshot(), playbook)).toEqual([]);

    sim.advance("2027-06-01T00:00:00Z"); // the recycle (tier B, 180 days)
    expect(sim.prospect?.status).toBe("queued");
    expect(checkProspect(sim.snapshot(), playbook)).toEqual([]);
  });

  it("a callback with a keep-warm drip (R5), a hostile no (R4), an opt-out (R0), a conversion (R10)", () => {
    const stall = new Sim();
    stall.event(event("call.stalled", MON_10AM, { callbackAt: "2027-05-15", callbackReason: "budget" }));
    stall.advance("2027-02-01T00:00:00Z");
    expect(stall.prospect?.status).toBe("callback_scheduled");
    expect(sends(stall.snapshot()).length).toBeGreaterThan(0);
    expect(checkProspect(stall.snapshot(), playbook)).toEqual([]);

    const hostile = new Sim();
    hostile.event(event("call.rejected", MON_10AM, { reason: "hostile" }));
    expect(checkProspect(hostile.snapshot(), playbook)).toEqual([]);

    const optedOut = wholeCycle();
    optedOut.event(event("prospect.opted_out", "2026-11-30T15:00:00Z"));
    optedOut.advance("2027-06-01T00:00:00Z");
    expect(optedOut.prospect?.status).toBe("opted_out");
    expect(optedOut.suppression).not.toBeNull();
    expect(checkProspect(optedOut.snapshot(), playbook)).toEqual([]);

    const converted = new Sim();
    converted.event(softNo(MON_10AM));
    converted.event(event("prospect.converted", WED_2PM));
    expect(checkProspect(converted.snapshot(), playbook)).toEqual([]);
  });

  it("checkAll counts prospects and gathers every violation", async () => {
    const good = wholeCycle().snapshot();
    const orphan = { ...emptySnapshot("ghost"), receipts: [receiptFor("ghost")] };
    const report = await checkAll([good, orphan], playbook);
    expect(report.prospects).toBe(1);
    expect(countByInvariant(report.violations)).toEqual({ I1: 0, I2: 0, I3: 0, I4: 0, I5: 1, I6: 0, I7: 0 });
  });
});

const receiptFor = (prospectId: string): ReceiptSummary => ({
  webhookId: "wh-lost",
  prospectId,
  applied: true,
  state: "retrying",
  rule: "R2",
});

/** The snapshot with the prospect's pending timers replaced (the index items follow unless told not to). */
function withTimers(snapshot: ProspectSnapshot, timers: Timer[], index = true): ProspectSnapshot {
  const prospect = snapshot.prospect as Prospect;
  return {
    ...snapshot,
    prospect: { ...prospect, timers },
    timerItems: index ? timers.map((timer) => ({ id: timer.id, timer })) : snapshot.timerItems,
  };
}

describe("I1: terminal, or exactly the pending timers the state requires; index items agree", () => {
  const nurturing = () => wholeCycle().snapshot();
  const timersOf = (s: ProspectSnapshot) => (s.prospect as Prospect).timers;

  it("a deleted timer (prospect and index item) is lost: planned on the timeline, never run or cancelled", () => {
    const s = nurturing();
    const email = timersOf(s).find((t) => t.kind === "email") as Timer;
    const broken = withTimers(
      s,
      timersOf(s).filter((t) => t.id !== email.id),
    );
    expect(invariantsOf(broken)).toEqual(["I1"]);
    expect(messagesOf(broken, "I1").join("\n")).toMatch(new RegExp(`email timer ${email.id} .* lost`));
  });

  it("nurturing without its recycle: the prospect would never come back", () => {
    const s = nurturing();
    const broken = withTimers(
      s,
      timersOf(s).filter((t) => t.kind !== "recycle"),
    );
    expect(messagesOf(broken, "I1").join("\n")).toMatch(
      /nurturing needs exactly one pending recycle timer, has 0/,
    );
  });

  it("a terminal prospect with a pending timer", () => {
    const s = nurturing();
    const broken = { ...s, prospect: { ...(s.prospect as Prospect), status: "opted_out" as const } };
    expect(messagesOf(broken, "I1").join("\n")).toMatch(/opted_out \(terminal\) but a recycle timer/);
  });

  it("a pending timer without its TIMER# index item, and a dangling index item", () => {
    const s = nurturing();
    const [first, ...rest] = s.timerItems;
    const missing = { ...s, timerItems: rest };
    expect(invariantsOf(missing)).toEqual(["I1"]);
    expect(messagesOf(missing, "I1").join("\n")).toMatch(/has no TIMER# index item/);

    const stray = { ...(first as { timer: Timer }).timer, id: "99.1" };
    const dangling = { ...s, timerItems: [...s.timerItems, { id: "99.1", timer: stray }] };
    expect(messagesOf(dangling, "I1").join("\n")).toMatch(/dangling index item TIMER#99\.1/);
    const badKeys = {
      ...s,
      timerItems: [{ ...(first as { id: string; timer: Timer }), keyProblem: "gsi1sk is wrong" }, ...rest],
    };
    expect(messagesOf(badKeys, "I1")).toEqual([`TIMER#${first?.id}: gsi1sk is wrong`]);
  });

  it("a queued prospect with no QUEUE item, and items of a prospect that does not exist", () => {
    const sim = wholeCycle();
    sim.advance("2027-06-01T00:00:00Z");
    const queued = sim.snapshot();
    expect(messagesOf({ ...queued, queueItem: null }, "I1")).toEqual([
      "the prospect is in the call queue but has no QUEUE index item",
    ]);
    const orphan = { ...queued, prospect: null, receipts: [] };
    expect(messagesOf(orphan, "I1").join("\n")).toMatch(/item\(s\) without a prospect/);
  });

  it("a timer nobody planned", () => {
    const s = nurturing();
    const recycle = timersOf(s).find((t) => t.kind === "recycle") as Timer;
    const broken = withTimers(s, [...timersOf(s), { ...recycle, id: "42.7", kind: "email" }]);
    expect(messagesOf(broken, "I1").join("\n")).toMatch(/pending email timer 42\.7 was never planned/);
  });
});

describe("I2: no email to a suppressed address or a stopped prospect, none outside the send window", () => {
  it("a send after the address was suppressed", () => {
    const s = wholeCycle();
    s.advance("2027-03-01T00:00:00Z");
    const snapshot = s.snapshot();
    const last = sends(snapshot).at(-1) as TimelineEntry;
    const suppressed = {
      ...snapshot,
      suppression: { email: "dana@northwind.example", reason: "R0", at: "2026-12-01T00:00:00Z" },
    };
    expect(invariantsOf(suppressed)).toEqual(["I2"]);
    expect(messagesOf(suppressed, "I2").join("\n")).toContain(
      `sent ${last.at} to dana@northwind.example, suppressed since`,
    );
  });

  /** The whole drip sent, one send moved to Saturday 10:00 New York (its claim too). */
  const onSaturday = (pick: (sent: TimelineEntry[]) => TimelineEntry) => {
    const sim = wholeCycle();
    sim.advance("2027-03-01T00:00:00Z");
    const snapshot = sim.snapshot();
    const moved = pick(sends(snapshot));
    const timerId = moved.actions[0]?.timerId;
    const saturday = "2027-01-16T15:00:00Z";
    return {
      ...snapshot,
      timeline: snapshot.timeline.map((e) => (e === moved ? { ...e, at: saturday } : e)),
      claims: snapshot.claims.map((c) => (c.timerId === timerId ? { ...c, claimedAt: saturday } : c)),
    };
  };

  it("a send outside the prospect's business hours (Saturday 10:00 New York)", () => {
    const broken = onSaturday((sent) => sent.at(-1) as TimelineEntry);
    expect(invariantsOf(broken)).toEqual(["I2"]);
    expect(messagesOf(broken, "I2")[0]).toMatch(
      /Sat 2027-01-16 10:00 in America\/New_York, outside the send window/,
    );
  });

  it("a send before a later CRM event is not judged by today's zone: that event may have changed it", () => {
    // The note went out before the second "no", whose profile fields may have moved the prospect.
    // (Moved two months past its planned time, the note now breaks I7 and I6; this test is about I2.)
    expect(
      messagesOf(
        onSaturday((sent) => sent[0] as TimelineEntry),
        "I2",
      ),
    ).toEqual([]);
  });

  it("a send after the prospect opted out", () => {
    const sim = wholeCycle();
    const snapshot = sim.snapshot();
    const optOut: TimelineEntry = {
      at: "2026-11-16T16:00:00Z", // before the note went out on Tuesday
      kind: "event",
      type: "prospect.opted_out",
      rule: "R0",
      applied: true,
      version: 2,
      status: "opted_out",
      actions: [],
    };
    const broken = {
      ...snapshot,
      timeline: [snapshot.timeline[0] as TimelineEntry, optOut, ...snapshot.timeline.slice(2)],
    };
    expect(messagesOf(broken, "I2").join("\n")).toMatch(/after the prospect was opted_out/);
  });
});

describe("I3: at most 2 automated emails per prospect per rolling 7 days (the playbook's cap)", () => {
  /** The drip's sends, the third moved to 6 days 23 hours after the first. */
  it("three sends within 7 days break it; the same three 7 days apart do not", () => {
    const sim = wholeCycle();
    sim.advance("2027-03-01T00:00:00Z");
    const snapshot = sim.snapshot();
    const [first, , third] = sends(snapshot) as TimelineEntry[];
    const moveThird = (at: string) => ({
      ...snapshot,
      timeline: snapshot.timeline.map((e) => (e === third ? { ...e, at } : e)),
      claims: snapshot.claims.map((c) =>
        c.timerId === third?.actions[0]?.timerId ? { ...c, claimedAt: at } : c,
      ),
    });
    const firstAt = Date.parse(first?.at ?? "");
    const within = moveThird(isoUtc(firstAt + 6 * 86_400_000 + 23 * 3_600_000)); // a Monday, 07:00 → also I2
    const inWindow = moveThird(isoUtc(firstAt + 6 * 86_400_000)); // Mon 23 Nov 08:00 New York
    expect(invariantsOf(inWindow)).toEqual(["I3"]);
    expect(messagesOf(inWindow, "I3")[0]).toMatch(/^3 automated emails within 7 days \(cap 2\) \(G3\)/);
    expect(messagesOf(within, "I3")).toHaveLength(1);
    expect(invariantsOf(moveThird(isoUtc(firstAt + 7 * 86_400_000)))).toEqual([]);
  });

  it("follows the playbook's cap", () => {
    const sim = wholeCycle();
    sim.advance("2027-03-01T00:00:00Z");
    const strict = { ...playbook, caps: { ...playbook.caps, perProspectPer7Days: 1 } };
    expect(checkProspect(sim.snapshot(), strict).map((v) => v.invariant)).toContain("I3");
  });
});

describe("I4: one SES message per timer (claim → send → record)", () => {
  const sent = () => {
    const snapshot = wholeCycle().snapshot();
    return { snapshot, note: sends(snapshot)[0] as TimelineEntry };
  };

  it("a second send for one timer", () => {
    const { snapshot, note } = sent();
    const again: TimelineEntry = {
      ...note,
      version: (snapshot.prospect?.version ?? 0) + 1,
      actions: note.actions.map((a) => ({ ...a, detail: "SES MessageId ses-again" })),
    };
    const broken = {
      ...snapshot,
      prospect: { ...(snapshot.prospect as Prospect), version: again.version },
      timeline: [...snapshot.timeline, again],
    };
    expect(invariantsOf(broken)).toContain("I4");
    expect(messagesOf(broken, "I4").join("\n")).toMatch(/was sent 2 times: MessageIds ses-1, ses-again/);
  });

  it("a send with no claim, and a claim that names another message", () => {
    const { snapshot } = sent();
    expect(messagesOf({ ...snapshot, claims: [] }, "I4")[0]).toMatch(/without a send claim/);
    const other = { ...snapshot, claims: snapshot.claims.map((c) => ({ ...c, messageId: "ses-other" })) };
    expect(invariantsOf(other)).toEqual(["I4"]);
    expect(messagesOf(other, "I4")[0]).toMatch(/records MessageId ses-other, the timeline ses-1/);
  });

  it("a claim with a MessageId the timeline never recorded", () => {
    const { snapshot } = sent();
    const extra = {
      ...snapshot,
      claims: [...snapshot.claims, { timerId: "7.1", claimedAt: WED_2PM, messageId: "ses-x" }],
    };
    expect(messagesOf(extra, "I4")).toEqual([
      "the claim of timer 7.1 records MessageId ses-x, but the timeline has no email.sent for it",
    ]);
  });
});

describe("I5: every accepted webhook id has its effect", () => {
  it("a receipt with no timeline entry, one that disagrees, and one for a prospect that does not exist", () => {
    const snapshot = wholeCycle().snapshot();
    const lost = { ...snapshot, receipts: [...snapshot.receipts, receiptFor(snapshot.prospectId)] };
    expect(invariantsOf(lost)).toEqual(["I5"]);
    expect(messagesOf(lost, "I5")).toEqual([
      "webhook wh-lost (accepted: R2, applied, retrying) has no timeline entry",
    ]);

    const [first] = snapshot.receipts;
    const wrong = {
      ...snapshot,
      receipts: [{ ...(first as ReceiptSummary), rule: "R3", state: "nurturing" }],
    };
    expect(messagesOf(wrong, "I5")[0]).toMatch(/but its timeline entry says v1 R2, applied, retrying/);

    const ghost = { ...emptySnapshot("ghost"), receipts: [receiptFor("ghost")] };
    expect(messagesOf(ghost, "I5")[0]).toMatch(/names prospect ghost, which does not exist/);
  });
});

/** The whole drip sent, the send of `pick` (and its claim) moved to `at`. */
function moveSend(pick: (sent: TimelineEntry[]) => TimelineEntry, at: string): ProspectSnapshot {
  const sim = wholeCycle();
  sim.advance("2027-03-01T00:00:00Z");
  const snapshot = sim.snapshot();
  const moved = pick(sends(snapshot));
  const timerId = moved.actions[0]?.timerId;
  return {
    ...snapshot,
    timeline: snapshot.timeline.map((e) => (e === moved ? { ...e, at } : e)),
    claims: snapshot.claims.map((c) => (c.timerId === timerId ? { ...c, claimedAt: at } : c)),
  };
}

describe("I6: no two automated emails less than 1 business day apart (G9)", () => {
  it("nurture-1 moved to 2 hours after the note breaks it; a business day after does not", () => {
    // The note went Tue 17 Nov 08:00 New York; nurture-1 on Thu 19 Nov.
    const close = moveSend((sent) => sent[1] as TimelineEntry, "2026-11-17T15:00:00Z");
    expect(invariantsOf(close)).toEqual(["I6"]);
    expect(messagesOf(close, "I6")[0]).toMatch(/less than 1 business day\(s\) apart \(G9\)/);
    expect(invariantsOf(moveSend((sent) => sent[1] as TimelineEntry, "2026-11-18T13:00:00Z"))).toEqual([]);
  });

  it("follows the playbook's minGapBusinessDays", () => {
    const sim = wholeCycle();
    sim.advance("2027-03-01T00:00:00Z");
    const strict = { ...playbook, lateSteps: { ...playbook.lateSteps, minGapBusinessDays: 3 } };
    // The note (Tue 08:00) and nurture-1 (Thu 08:00) are 2 business days apart.
    expect(checkProspect(sim.snapshot(), strict).map((v) => v.invariant)).toEqual(["I6"]);
  });
});

describe("I7: no moment-bound email later than its freshness allows (G8)", () => {
  it("the note (planned Tue 08:00) sent Fri 08:00, 3 business days late, breaks it; Thu 08:00 does not", () => {
    const late = moveSend((sent) => sent[0] as TimelineEntry, "2026-11-20T13:00:00Z");
    expect(invariantsOf(late)).toEqual(["I7"]);
    expect(messagesOf(late, "I7")[0]).toMatch(
      /bad-time-note was planned for 2026-11-17T13:00:00Z.*3 business day\(s\) late.*sent all the same \(G8\)/,
    );
    const twoLate = moveSend((sent) => sent[0] as TimelineEntry, "2026-11-19T13:00:00Z");
    expect(messagesOf(twoLate, "I7")).toEqual([]);
  });

  it("a send recorded before plannedAt existed is not judged", () => {
    const late = moveSend((sent) => sent[0] as TimelineEntry, "2026-11-20T13:00:00Z");
    const old = {
      ...late,
      timeline: late.timeline.map((e) =>
        e.type === "email.sent" ? { ...e, actions: e.actions.map(({ plannedAt: _p, ...a }) => a) } : e,
      ),
    };
    expect(messagesOf(old, "I7")).toEqual([]);
  });
});

describe("late steps end to end (G8, G9): an import a year old keeps every invariant", () => {
  it("a rejection and a voicemail a year old, then a second no: nothing stale sent, every email 1 business day apart", () => {
    // With tier B's 180 days the recycle is overdue and G7 ends the drip at once; 600 lets it run.
    const longRecycle = parsePlaybook(
      playbookText.replace("B: { recycleAfterDays: 180 }", "B: { recycleAfterDays: 600 }"),
    );
    const sim = new Sim(longRecycle);
    const yearAgo = "2025-11-17T15:00:00Z";
    sim.event(softNo(yearAgo), MON_10AM); // imported on Mon 16 Nov 2026
    sim.event(event("call.no_answer", "2025-11-18T15:00:00Z", { voicemail: true }), MON_10AM);
    sim.event(softNo("2025-11-19T15:00:00Z"), MON_10AM);
    sim.advance("2027-06-01T00:00:00Z");
    const snapshot = sim.snapshot();
    expect(checkProspect(snapshot, longRecycle)).toEqual([]);
    const templates = sends(snapshot).map((e) => e.actions[0]?.template);
    expect(templates).not.toContain("bad-time-note");
    expect(templates).not.toContain("voicemail-followup");
    expect(templates).toEqual(["nurture-1", "nurture-2", "nurture-3", "nurture-4"]);
  });
});
