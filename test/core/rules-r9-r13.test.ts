import { decide } from "@redial/core";
import { describe, expect, it } from "vitest";
import { actionsOf, chain, event, fire, only, playbook, softNo } from "../support/core.ts";

const MON_10AM = "2026-11-16T10:00:00-05:00";
const MON_3PM = "2026-11-16T15:00:00-05:00";
const hostile = (at: string, prospect = {}) =>
  event("call.rejected", at, { reason: "hostile", note: "Hung up." }, prospect);

describe("R9: a reply or a booked meeting", () => {
  for (const type of ["prospect.replied", "prospect.meeting_booked"] as const) {
    it(`${type} stops every drip and timer; the rep takes over`, () => {
      const { last } = chain([softNo(MON_10AM), event(type, MON_3PM)]);
      expect(last.rule).toBe("R9");
      expect(last.next.status).toBe("engaged");
      expect(last.next.timers).toEqual([]);
      expect(only(actionsOf(last, "cancel")).timerIds).toHaveLength(2);
    });
  }

  it("an engaged prospect who later says no follows the playbook again", () => {
    const { last } = chain([event("prospect.replied", MON_10AM), softNo(MON_3PM)]);
    expect(last.rule).toBe("R2");
  });
});

describe("R10: converted", () => {
  it("stops everything, for good", () => {
    const { decisions, last } = chain([
      softNo(MON_10AM),
      event("prospect.converted", MON_3PM),
      softNo("2026-11-17T10:00:00-05:00"),
    ]);
    expect(decisions[1]?.rule).toBe("R10");
    expect(decisions[1]?.next.timers).toEqual([]);
    expect(last).toMatchObject({ rule: "R10", applied: false });
    expect(last.next.status).toBe("converted");
  });
});

describe("R11: a hard bounce", () => {
  it("suppresses the address and stops drips, keeps call timers, flags emailInvalid", () => {
    const start = chain([softNo(MON_10AM)]).state;
    const d = decide(
      start,
      { type: "email.bounced", occurredAt: MON_3PM, email: "dana@northwind.example" },
      playbook,
      new Date(MON_3PM),
    );
    expect(d.rule).toBe("R11");
    expect(d.suppress).toEqual(["dana@northwind.example"]);
    expect(d.next.emailInvalid).toBe(true);
    expect(d.next.timers.map((t) => t.kind)).toEqual(["call"]);
    expect(d.next.status).toBe("retrying");
  });

  it("plans no email for a flagged address afterwards", () => {
    const start = chain([softNo(MON_10AM)]).state;
    const bounced = decide(
      start,
      { type: "email.bounced", occurredAt: MON_3PM, email: "dana@northwind.example" },
      playbook,
      new Date(MON_3PM),
    ).next;
    const { last } = chain([softNo("2026-11-18T14:00:00-05:00")], { start: bounced });
    expect(actionsOf(last, "email")).toEqual([]);
    expect(last.remarks.join(" ")).toMatch(/bounced/);
  });
});

describe("R12: a recycle or callback comes due", () => {
  const recycled = () => {
    const { timer, decision: d } = fire(chain([hostile(MON_10AM, { tier: "A" })]).state, "recycle");
    return { timer, d };
  };

  it("puts the prospect in its owner's call queue with its context", () => {
    const { timer, d } = recycled();
    expect(d.rule).toBe("R12");
    expect(d.next.status).toBe("queued");
    expect(d.next.queue).toMatchObject({
      ownerId: "rep-7",
      reason: "recycle",
      dueAt: timer.at,
      cycle: 2,
      suggestedHalf: "afternoon",
      touches: 1,
      lastOutcome: { type: "call.rejected", reason: "hostile", note: "Hung up.", half: "morning" },
      notes: ["Hung up."],
    });
  });

  it("starts a new cycle: counters reset, the old cycle's timers cancelled", () => {
    const start = chain([softNo(MON_10AM), softNo("2026-11-18T14:00:00-05:00")]).state;
    const d = fire(start, "recycle").decision;
    expect(d.next.cycle).toBe(2);
    expect(d.next.counters.softNos).toBe(0);
    expect(d.next.timers).toEqual([]);
  });

  it("carries the stall prompts of R6 into the queue entry", () => {
    const { state } = chain([event("call.stalled", MON_10AM, { callbackAt: "2027-01-20" })]);
    const d = fire(state, "callback").decision;
    expect(d.next.queue).toMatchObject({ reason: "callback", prompts: [playbook.prompts.askWhatWillChange] });
  });

  it("a timer that is no longer pending is stale and changes nothing", () => {
    const { state } = chain([hostile(MON_10AM)]);
    const d = decide(
      state,
      { type: "timer.due", occurredAt: MON_3PM, timerId: "9.9" },
      playbook,
      new Date(MON_3PM),
    );
    expect(d).toMatchObject({ rule: "R12", applied: false, actions: [] });
    expect(d.next.status).toBe("recycling");
  });

  it("the rep's next outcome takes the prospect out of the queue, and a soft no is a first one again", () => {
    // Two soft noes (R3) in cycle 1, then the recycle: cycle 2 starts with no soft no counted.
    const start = chain([softNo(MON_10AM), softNo("2026-11-18T14:00:00-05:00")]).state;
    const queued = fire(start, "recycle").decision.next;
    const next = chain([softNo("2027-05-18T10:00:00-04:00")], { start: queued }).last;
    expect(next.rule).toBe("R2");
    expect(next.next.queue).toBeUndefined();
  });

  it("a queued prospect handed to another rep moves to that rep's queue (R13)", () => {
    const { d } = recycled();
    const next = chain(
      [event("prospect.updated", "2027-03-20T10:00:00-04:00", {}, { tier: "A", owner: { id: "rep-9" } })],
      { start: d.next },
    ).last;
    expect(next.next.queue?.ownerId).toBe("rep-9");
  });
});

describe("R13: the CRM updated the profile", () => {
  const nurturing = () => chain([softNo(MON_10AM), softNo("2026-11-18T14:00:00-05:00")]).state;

  it("a new tier re-plans the recycle from its original basis (B 180 → A 120 days)", () => {
    const { last } = chain([event("prospect.updated", "2026-11-19T10:00:00-05:00", {}, { tier: "A" })], {
      start: nurturing(),
    });
    expect(last.rule).toBe("R13");
    expect(only(actionsOf(last, "recycle")).at).toBe("2027-03-18T13:00:00Z");
    expect(only(actionsOf(last, "cancel")).timerIds).toHaveLength(1);
    expect(last.next.status).toBe("nurturing");
  });

  it("a new time zone keeps each pending timer at the same local time", () => {
    const start = chain([softNo(MON_10AM)]).state; // note Tue 08:00 New York, call Wed 13:00 New York
    const { last } = chain([event("prospect.updated", MON_3PM, {}, { timezone: "America/Los_Angeles" })], {
      start,
    });
    expect(actionsOf(last, "email")[0]?.at).toBe("2026-11-17T16:00:00Z"); // Tue 08:00 PST
    expect(actionsOf(last, "call")[0]?.at).toBe("2026-11-18T21:00:00Z"); // Wed 13:00 PST
  });

  it("fitsProfile: false is R1", () => {
    const { last } = chain(
      [event("prospect.updated", "2026-11-19T10:00:00-05:00", {}, { fitsProfile: false })],
      { start: nurturing() },
    );
    expect(last.rule).toBe("R1");
  });

  it("a new email address clears emailInvalid", () => {
    const start = { ...chain([softNo(MON_10AM)]).state, emailInvalid: true };
    const { last } = chain(
      [event("prospect.updated", MON_3PM, {}, { email: "dana.lee@northwind.example" })],
      { start },
    );
    expect(last.next.emailInvalid).toBe(false);
    expect(last.next.profile.email).toBe("dana.lee@northwind.example");
  });

  it("an update with nothing that matters changes no timer", () => {
    const { last } = chain([event("prospect.updated", MON_3PM, {}, { title: "COO" })], {
      start: chain([softNo(MON_10AM)]).state,
    });
    expect(last.actions).toEqual([]);
    expect(last.next.profile.title).toBe("COO");
  });
});

describe("a call retry comes due (R2, R8): into the queue, in the same cycle", () => {
  it("R2's retry: the other half of the day, no new cycle, counters and the note email kept", () => {
    const { state } = chain([softNo(MON_10AM)]);
    const { timer, decision: d } = fire(state, "call");
    expect(d.rule).toBe("R2");
    expect(d.next.queue).toMatchObject({
      reason: "retry",
      cycle: 1,
      dueAt: timer.at,
      suggestedHalf: "afternoon",
    });
    expect(d.next).toMatchObject({ status: "retrying", cycle: 1, counters: { softNos: 1 } });
    // Only the fired timer is done: nothing else is cancelled.
    expect(d.timersRemoved.map((t) => t.id)).toEqual([timer.id]);
    expect(d.next.timers).toEqual(state.timers.filter((t) => t.id !== timer.id));
  });

  it("the next soft no after the retry is the second of the cycle (R3), and closes the entry", () => {
    const { state } = chain([softNo(MON_10AM)]);
    const { timer, decision } = fire(state, "call");
    const { last } = chain([softNo(new Date(Date.parse(timer.at) + 3_600_000).toISOString())], {
      start: decision.next,
    });
    expect(last.rule).toBe("R3");
    expect(last.next.queue).toBeUndefined();
  });

  it("R8 with a voicemail: the half-day the voicemail named", () => {
    const { state } = chain([event("call.no_answer", MON_10AM, { voicemail: true })]);
    const d = fire(state, "call").decision;
    expect(d.rule).toBe("R8");
    expect(d.next.queue).toMatchObject({ reason: "retry", suggestedHalf: "morning", cycle: 1 });
    expect(d.next.counters.noAnswers).toBe(1);
  });
});
