import { describe, expect, it } from "vitest";
import { actionsOf, chain, event, fire, only, playbook, softNo } from "../support/core.ts";

const TUE_1030 = "2026-11-17T10:30:00-05:00";
const stall = (at: string, callbackAt: string, callbackReason?: string) =>
  event("call.stalled", at, { callbackAt, ...(callbackReason ? { callbackReason } : {}) });
const { askWhatWillChange, askRealPossibility } = playbook.prompts;

describe("R5: a stall with a date and a reason", () => {
  it("calls back 14 days early (10% of 179 days, clamped), on the business day before", () => {
    const { last } = chain([stall(TUE_1030, "2027-05-15", "New budget year starts in June")]);
    expect(last.rule).toBe("R5");
    expect(last.next.status).toBe("callback_scheduled");
    // 2027-05-15 − 14 days = Sat 2027-05-01 → Fri 2027-04-30 09:00 EDT.
    const callback = only(actionsOf(last, "callback"));
    // CONTRACT.md's action types: a callback is a `call`, marked with its purpose.
    expect(callback).toMatchObject({
      type: "call",
      purpose: "callback",
      at: "2027-04-30T13:00:00Z",
      half: "morning",
      prompts: [],
    });
  });

  it("takes 10% of a 20-day interval (2 days) before the date", () => {
    const callback = only(
      actionsOf(chain([stall(TUE_1030, "2026-12-07", "Board meets then")]).last, "callback"),
    );
    expect(callback.at).toBe("2026-12-04T14:00:00Z"); // Sat Dec 5 09:08 → Fri Dec 4 09:00 EST
  });

  it("clamps the lead to at least 1 day", () => {
    const callback = only(
      actionsOf(chain([stall(TUE_1030, "2026-11-23", "Back from leave")]).last, "callback"),
    );
    expect(callback.at).toBe("2026-11-20T14:00:00Z"); // Sun Nov 22 → Fri Nov 20
  });

  it("is never in the past: a callback asked for tomorrow comes at the next slot from now", () => {
    const callback = only(
      actionsOf(chain([stall(TUE_1030, "2026-11-18", "Call tomorrow")]).last, "callback"),
    );
    expect(callback.at).toBe("2026-11-17T15:30:00Z");
  });

  it("a wait over 60 days gets one keep-warm email a month, all before the callback (G7)", () => {
    const emails = actionsOf(chain([stall(TUE_1030, "2027-05-15", "Budget")]).last, "email");
    expect(emails.map((e) => e.template)).toEqual(Array(5).fill("keep-warm"));
    expect(emails.every((e) => e.at < "2027-04-30T13:00:00Z")).toBe(true);
  });

  it("a wait under 60 days gets no keep-warm email", () => {
    expect(actionsOf(chain([stall(TUE_1030, "2026-12-07", "Board meets then")]).last, "email")).toEqual([]);
  });

  it("a date-time callback keeps its half-day", () => {
    const callback = only(
      actionsOf(chain([stall(TUE_1030, "2026-12-16T15:00:00-05:00", "After the offsite")]).last, "callback"),
    );
    // 10% of 29.2 days ≈ 2.9 days before Wed Dec 16 15:00 is Sun Dec 13 → Fri Dec 11, 13:00 EST.
    expect(callback).toMatchObject({ half: "afternoon", at: "2026-12-11T18:00:00Z" });
  });
});

describe("R5: a callbackAt in the past is accepted, with the callback at the next slot and a remark", () => {
  it("a past date: the callback is due at the next morning slot from now, and the remark says when", () => {
    const { last } = chain([stall(TUE_1030, "2020-01-01", "Budget approved")]);
    expect(last.rule).toBe("R5");
    const callback = only(actionsOf(last, "callback"));
    expect(callback.at).toBe("2026-11-17T15:30:00Z"); // now: Tue 10:30 EST, inside the morning
    expect(last.remarks).toContain(
      "callbackAt 2020-01-01 is in the past: the callback is due at the next slot, " +
        "2026-11-17T10:30:00-05:00 (America/New_York) (R5)",
    );
    expect(actionsOf(last, "email")).toEqual([]); // no keep-warm for a negative wait
  });

  it("a past date-time keeps its half-day: yesterday afternoon → this afternoon", () => {
    const { last } = chain([stall(TUE_1030, "2026-11-16T15:00:00-05:00", "Budget approved")]);
    const callback = only(actionsOf(last, "callback"));
    expect(callback).toMatchObject({ at: "2026-11-17T18:00:00Z", half: "afternoon" }); // 13:00 EST
    expect(last.remarks.join("\n")).toMatch(
      /^callbackAt 2026-11-16T15:00:00-05:00 is in the past: .* 2026-11-17T13:00:00-05:00 \(America\/New_York\) \(R5\)$/m,
    );
  });

  it("is judged against now, not occurredAt: a callback that passed while the event was late", () => {
    // The call was on Nov 10 and asked for Nov 13; the webhook arrives on Nov 17.
    const late = stall("2026-11-10T10:00:00-05:00", "2026-11-13", "Back from leave");
    const { last } = chain([late], { now: "2026-11-17T15:30:00Z" });
    expect(only(actionsOf(last, "callback")).at).toBe("2026-11-17T15:30:00Z");
    expect(last.remarks.join("\n")).toMatch(/^callbackAt 2026-11-13 is in the past/m);
  });

  it("today's date is not in the past: no remark", () => {
    const { last } = chain([stall(TUE_1030, "2026-11-17", "Later today")]);
    expect(only(actionsOf(last, "callback")).at).toBe("2026-11-17T15:30:00Z");
    expect(last.remarks.some((r) => r.startsWith("callbackAt"))).toBe(false);
  });

  it("a callback's local time is in the prospect's zone", () => {
    const { last } = chain([stall(TUE_1030, "2020-01-01")]);
    expect(last.rule).toBe("R6");
    expect(only(actionsOf(last, "callback"))).toMatchObject({
      local: "2026-11-17T10:30:00-05:00",
      zone: "America/New_York",
    });
    expect(last.remarks.join("\n")).toMatch(/\(R6\)$/m);
  });
});

describe("R6: a stall without a reason", () => {
  it("schedules as R5 and prompts the rep to ask what will have changed", () => {
    const { last } = chain([stall(TUE_1030, "2027-05-15")]);
    expect(last.rule).toBe("R6");
    expect(only(actionsOf(last, "callback")).prompts).toEqual([askWhatWillChange]);
  });
});

describe("R7: repeated stalls", () => {
  const stalls = (n: number) =>
    chain(
      Array.from({ length: n }, (_, i) =>
        stall(`2026-11-${String(17 + i).padStart(2, "0")}T10:30:00-05:00`, "2027-01-15", "Reorg"),
      ),
    );

  it("the 3rd stall in a row prompts the rep to ask whether there is a real possibility", () => {
    const { last } = stalls(3);
    expect(last.rule).toBe("R7");
    expect(only(actionsOf(last, "callback")).prompts).toEqual([askRealPossibility]);
  });

  it("the 4th stall in a row stops active pursuit: nurture and a recycle after 365 days", () => {
    const { last } = stalls(4);
    expect(last.rule).toBe("R7");
    expect(last.next.status).toBe("nurturing");
    expect(actionsOf(last, "callback")).toEqual([]);
    expect(actionsOf(last, "email").map((e) => e.template)).toEqual([
      "nurture-1",
      "nurture-2",
      "nurture-3",
      "nurture-4",
    ]);
    expect(only(actionsOf(last, "recycle")).at.slice(0, 10)).toBe("2027-11-22"); // Sat Nov 20 2027 + 365 → Mon
  });

  it("after the long rest, the next stall is a first stall again (R5), not another stop", () => {
    const { state } = stalls(4);
    const queued = fire(state, "recycle").decision.next;
    const { last } = chain([stall("2027-11-23T10:30:00-05:00", "2028-03-01", "New budget")], {
      start: queued,
    });
    expect(last.rule).toBe("R5");
    expect(actionsOf(last, "callback")).toHaveLength(1);
  });

  it("a rejection in between breaks the streak", () => {
    const { last } = chain([
      stall("2026-11-17T10:30:00-05:00", "2027-01-15", "Reorg"),
      stall("2026-11-18T10:30:00-05:00", "2027-01-15", "Reorg"),
      softNo("2026-11-19T10:30:00-05:00"),
      stall("2026-11-20T10:30:00-05:00", "2027-01-15", "Reorg"),
    ]);
    expect(last.rule).toBe("R5");
    expect(last.next.counters.stallStreak).toBe(1);
  });
});

describe("R8: no answer", () => {
  it("with a voicemail: a follow-up email the same business day, the next call 2 business days later, same half", () => {
    const { last } = chain([
      event("call.no_answer", "2026-11-17T09:12:00+00:00", { voicemail: true }, { timezone: "Europe/Paris" }),
    ]);
    expect(last.rule).toBe("R8");
    expect(only(actionsOf(last, "email"))).toMatchObject({
      template: "voicemail-followup",
      at: "2026-11-17T09:12:00Z",
    });
    expect(only(actionsOf(last, "call"))).toMatchObject({ half: "morning", at: "2026-11-19T08:00:00Z" });
  });

  it("without a voicemail: the next call on the next business day at the other half", () => {
    const { last } = chain([event("call.no_answer", TUE_1030, { voicemail: false })]);
    expect(actionsOf(last, "email")).toEqual([]);
    expect(only(actionsOf(last, "call"))).toMatchObject({ half: "afternoon", at: "2026-11-18T18:00:00Z" });
  });

  it("keeps at least two attempts a week: the next call is never more than 2 business days away", () => {
    let { state } = chain([event("call.no_answer", "2026-11-16T10:00:00-05:00", { voicemail: true })]);
    const callTimes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const next = only(state.timers.filter((t) => t.kind === "call"));
      callTimes.push(next.at);
      state = chain([event("call.no_answer", next.at, { voicemail: i % 2 === 0 })], { start: state }).state;
    }
    const gaps = callTimes
      .slice(1)
      .map((t, i) => (Date.parse(t) - Date.parse(callTimes[i] ?? t)) / 86_400_000);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(4); // 2 business days, plus a weekend
  });

  it("after 7 unanswered attempts in the cycle: nurture and a recycle after the tier delay", () => {
    const attempts = Array.from({ length: 7 }, (_, i) =>
      event("call.no_answer", `2026-12-${String(1 + i).padStart(2, "0")}T10:00:00-05:00`, {
        voicemail: false,
      }),
    );
    const { decisions, last } = chain(attempts);
    expect(decisions.slice(0, 6).every((d) => d.next.status === "retrying")).toBe(true);
    expect(last.next.status).toBe("nurturing");
    expect(last.next.counters.noAnswers).toBe(7);
    expect(actionsOf(last, "email")).toHaveLength(4);
    expect(only(actionsOf(last, "recycle")).at.slice(0, 10)).toBe("2027-06-07"); // Dec 7 + 180 days = Sat Jun 5 → Mon Jun 7
  });
});
