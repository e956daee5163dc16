import { decide } from "@redial/core";
import { describe, expect, it } from "vitest";
import { actionsOf, chain, event, only, playbook, softNo } from "../support/core.ts";

// Monday 2026-11-16, New York (EST, UTC-5).
const MON_10AM = "2026-11-16T10:00:00-05:00";
const MON_3PM = "2026-11-16T15:00:00-05:00";

describe("R0: an explicit opt-out stops everything for good", () => {
  it("prospect.opted_out suppresses the address, cancels every timer and never recycles", () => {
    const { last } = chain([
      softNo(MON_10AM, { email: "Dana@Northwind.example" }),
      event("prospect.opted_out", MON_3PM),
    ]);
    expect(last.rule).toBe("R0");
    expect(last.next.status).toBe("opted_out");
    expect(only(actionsOf(last, "suppress")).email).toBe("dana@northwind.example");
    expect(only(actionsOf(last, "cancel")).timerIds).toHaveLength(2);
    expect(last.next.timers).toEqual([]);
  });

  it("a do_not_contact rejection is an opt-out", () => {
    const { last } = chain([event("call.rejected", MON_10AM, { reason: "do_not_contact" })]);
    expect(last.rule).toBe("R0");
    expect(last.suppress).toEqual(["dana@northwind.example"]);
  });

  it("an SES complaint or one-click unsubscribe is an opt-out", () => {
    const start = chain([softNo(MON_10AM)]).state;
    for (const type of ["email.complained", "email.unsubscribed"] as const) {
      const d = decide(
        start,
        { type, occurredAt: MON_3PM, email: "dana@northwind.example" },
        playbook,
        new Date(MON_3PM),
      );
      expect(d.rule).toBe("R0");
      expect(d.next.status).toBe("opted_out");
    }
  });

  it("a later soft no on an opted-out prospect is recorded and changes nothing", () => {
    const { last, decisions } = chain([event("prospect.opted_out", MON_10AM), softNo(MON_3PM)]);
    expect(last.applied).toBe(false);
    expect(last.rule).toBe("R0");
    expect(last.actions).toEqual([]);
    expect(last.next.status).toBe("opted_out");
    expect(last.next.counters).toEqual(decisions[0]?.next.counters);
  });

  it("still suppresses the address of a prospect already disqualified", () => {
    const { last } = chain([event("prospect.disqualified", MON_10AM), event("prospect.opted_out", MON_3PM)]);
    expect(last.rule).toBe("R0");
    expect(last.suppress).toEqual(["dana@northwind.example"]);
  });
});

describe("R1: a prospect that does not fit is dropped for good", () => {
  it("prospect.disqualified cancels every timer: no drip, no recycle", () => {
    const { last } = chain([
      softNo(MON_10AM),
      event("prospect.disqualified", MON_3PM, { reason: "4 employees" }),
    ]);
    expect(last.rule).toBe("R1");
    expect(last.next.status).toBe("disqualified");
    expect(last.next.timers).toEqual([]);
    expect(actionsOf(last, "cancel")).toHaveLength(1);
  });

  it("any event whose profile says fitsProfile: false disqualifies, even a soft no", () => {
    const { last } = chain([softNo(MON_10AM, { fitsProfile: false })]);
    expect(last.rule).toBe("R1");
    expect(last.actions).toEqual([]);
  });

  it("a disqualified prospect is never recycled by a later event", () => {
    const { last } = chain([
      event("prospect.disqualified", MON_10AM),
      event("call.rejected", MON_3PM, { reason: "hostile" }),
    ]);
    expect(last.applied).toBe(false);
    expect(last.next.timers).toEqual([]);
  });
});

describe("R2: the first soft no of a cycle", () => {
  it("a note the next business morning and a retry 2 business days later at the other half", () => {
    const { last } = chain([softNo(MON_10AM)]);
    expect(last.rule).toBe("R2");
    expect(last.next.status).toBe("retrying");
    const note = only(actionsOf(last, "email"));
    expect(note).toMatchObject({ template: "bad-time-note", at: "2026-11-17T13:00:00Z" }); // Tue 08:00 EST
    const call = only(actionsOf(last, "call"));
    expect(call).toMatchObject({ half: "afternoon", at: "2026-11-18T18:00:00Z" }); // Wed 13:00 EST
    expect(call.window).toEqual({ start: "2026-11-18T18:00:00Z", end: "2026-11-18T22:00:00Z" });
  });

  it("an afternoon rejection is retried in the morning", () => {
    const call = only(actionsOf(chain([softNo(MON_3PM)]).last, "call"));
    expect(call).toMatchObject({ half: "morning", at: "2026-11-18T14:00:00Z" });
  });

  it("takes day 3 when day 2 is not a preferred day (Thu → Tue, not Mon)", () => {
    const call = only(actionsOf(chain([softNo("2026-11-19T10:00:00-05:00")]).last, "call"));
    expect(call.at).toBe("2026-11-24T18:00:00Z");
  });

  it("counts delays from occurredAt: an old rejection's past steps move to the next slot from now", () => {
    // Wed 17:30 EST: the note (planned Tue 08:00) is 2 business days late on Thursday, still fresh (G8).
    const d = decide(null, softNo(MON_10AM), playbook, new Date("2026-11-18T22:30:00Z"));
    expect(only(actionsOf(d, "email")).at).toBe("2026-11-19T13:00:00Z"); // Thu 08:00
    expect(only(actionsOf(d, "call")).at).toBe("2026-11-19T18:00:00Z"); // Thu afternoon
  });
});

describe("R3: the second soft no of a cycle", () => {
  const second = () => chain([softNo(MON_10AM), softNo("2026-11-18T14:00:00-05:00")]).last;

  it("enrols in the 4-email nurture drip and recycles after the tier B delay (180 days)", () => {
    const d = second();
    expect(d.rule).toBe("R3");
    expect(d.next.status).toBe("nurturing");
    expect(actionsOf(d, "email").map((a) => a.template)).toEqual([
      "nurture-1",
      "nurture-2",
      "nurture-3",
      "nurture-4",
    ]);
    // Wed 2026-11-18 + 180 days = Mon 2027-05-17; morning (the other half from the 2pm call), EDT.
    expect(only(actionsOf(d, "recycle"))).toMatchObject({ at: "2027-05-17T13:00:00Z", half: "morning" });
  });

  it("cancels the first cycle's note and retry", () => {
    expect(only(actionsOf(second(), "cancel")).timerIds).toEqual(["1.1", "1.2"]);
  });

  it("recycles tier A after 120 days and tier C after 270", () => {
    const recycleAt = (tier: "A" | "C") =>
      only(
        actionsOf(
          chain([softNo(MON_10AM, { tier }), softNo("2026-11-18T14:00:00-05:00", { tier })]).last,
          "recycle",
        ),
      ).at;
    expect(recycleAt("A")).toBe("2027-03-18T13:00:00Z"); // Thu 2027-03-18, EDT
    expect(recycleAt("C")).toBe("2027-08-16T13:00:00Z"); // Sun 2027-08-15 → Mon
  });
});

describe("R4: a hostile rejection", () => {
  it("sends no email and recycles after the tier delay as a fresh call", () => {
    const { last } = chain([
      event(
        "call.rejected",
        "2026-11-18T14:00:00-08:00",
        { reason: "hostile" },
        { tier: "C", timezone: "America/Los_Angeles" },
      ),
    ]);
    expect(last.rule).toBe("R4");
    expect(last.next.status).toBe("recycling");
    expect(actionsOf(last, "email")).toEqual([]);
    expect(only(actionsOf(last, "recycle")).at).toBe("2027-08-16T16:00:00Z"); // Mon 09:00 PDT
  });
});

describe("R0 arrives late", () => {
  it("an opt-out older than the last applied event is still honoured (G6 never blocks a stop)", () => {
    const { last } = chain([
      event("call.no_answer", "2026-11-16T15:00:00-05:00", { voicemail: true }),
      event("prospect.opted_out", "2026-11-16T14:00:00-05:00"),
    ]);
    expect(last.rule).toBe("R0");
    expect(last.next.status).toBe("opted_out");
    expect(last.suppress).toEqual(["dana@northwind.example"]);
    expect(last.next.timers).toEqual([]);
    expect(last.next.lastEventAt).toBe("2026-11-16T20:00:00Z"); // the newer event's time stays
  });
});

describe("R2 from a weekend or a holiday", () => {
  it("a Saturday rejection gets its note on Monday morning and its retry on Tuesday or Wednesday", () => {
    const { last } = chain([softNo("2026-11-21T10:00:00-05:00")]);
    expect(only(actionsOf(last, "email")).at).toBe("2026-11-23T13:00:00Z"); // Mon 08:00
    expect(only(actionsOf(last, "call")).at.slice(0, 10)).toBe("2026-11-24"); // 2 business days: Tue
  });

  it("a rejection on Veterans Day (a holiday) gets its note the next day", () => {
    const { last } = chain([softNo("2026-11-11T10:00:00-05:00")]);
    expect(only(actionsOf(last, "email")).at).toBe("2026-11-12T13:00:00Z"); // Thu 08:00
  });
});
