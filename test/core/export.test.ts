/** The export's pure parts: ISO weeks in the team's zone, the Monday slot, the row and CSV injection. */
import {
  EXPORT_COLUMNS,
  exportRow,
  isoWeek,
  neutralizeFormula,
  nextRun,
  previousWeek,
  RedialError,
  weekOf,
} from "@redial/core";
import { describe, expect, it } from "vitest";

const NY = "America/New_York";
const HOUR_MS = 3_600_000;

describe("ISO weeks in the team's zone", () => {
  it("2026-W48 runs from Monday 00:00 to the next Monday 00:00, New York time", () => {
    const week = isoWeek("2026-W48", NY);
    expect(week.start.toISOString()).toBe("2026-11-23T05:00:00.000Z");
    expect(week.end.toISOString()).toBe("2026-11-30T05:00:00.000Z");
  });

  it("the week of the spring DST change is 167 hours long, the autumn one 169", () => {
    const spring = isoWeek("2027-W10", NY); // 14 March 2027
    const autumn = isoWeek("2027-W44", NY); // 7 November 2027
    expect(spring.end.getTime() - spring.start.getTime()).toBe(167 * HOUR_MS);
    expect(autumn.end.getTime() - autumn.start.getTime()).toBe(169 * HOUR_MS);
  });

  it("week 53 exists in 2026 and not in 2027; malformed ids are refused naming `week`", () => {
    expect(isoWeek("2026-W53", NY).start.toISOString()).toBe("2026-12-28T05:00:00.000Z");
    for (const id of ["2027-W53", "2026-W00", "2026-W54", "2026-48", "26-W48", "2026-w48", ""]) {
      const error = (() => {
        try {
          isoWeek(id, NY);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error, id).toBeInstanceOf(RedialError);
      expect((error as RedialError).errors[0]?.path).toBe("week");
    }
  });

  it("the previous week is counted in the team's zone, not UTC", () => {
    // Monday 02:00 UTC is still Sunday evening in New York: the previous week is W47, not W48.
    expect(previousWeek(new Date("2026-11-30T02:00:00Z"), NY).id).toBe("2026-W47");
    expect(previousWeek(new Date("2026-11-30T12:00:00Z"), NY).id).toBe("2026-W48");
    expect(weekOf(new Date("2027-01-01T12:00:00Z"), NY).id).toBe("2026-W53");
  });
});

describe("the weekly slot (Monday 07:00 team time)", () => {
  const slot = { weekday: 1, time: "07:00", zone: NY };

  it("is 07:00 local on both sides of a DST change", () => {
    expect(nextRun(new Date("2027-03-08T11:59:00Z"), slot).toISOString()).toBe("2027-03-08T12:00:00.000Z"); // EST
    expect(nextRun(new Date("2027-03-08T12:00:00Z"), slot).toISOString()).toBe("2027-03-15T11:00:00.000Z"); // EDT
  });

  it("is strictly after the given instant, and follows the configured day and time", () => {
    const friday = { weekday: 5, time: "16:30", zone: "Europe/Berlin" };
    expect(nextRun(new Date("2026-11-27T15:30:00Z"), friday).toISOString()).toBe("2026-12-04T15:30:00.000Z");
    expect(nextRun(new Date("2026-11-27T15:29:59Z"), friday).toISOString()).toBe("2026-11-27T15:30:00.000Z");
  });
});

describe("a row of the export", () => {
  it("has the columns of CONTRACT.md, in order", () => {
    expect(EXPORT_COLUMNS.join(", ")).toBe(
      "prospect_id, owner_id, owner_email, first_name, last_name, company, title, email, phone, timezone, tier, entered_queue_at, due_at, suggested_window, last_outcome, last_reason, cycle, touches, prompts, note",
    );
    const row = exportRow({
      prospectId: "p-1",
      profile: {
        tier: "A",
        fitsProfile: true,
        firstName: "Dana",
        owner: { id: "rep-7", email: "w@acme.example" },
      },
      entry: {
        enteredAt: "2026-11-24T15:00:00.000Z",
        dueAt: "2026-11-24T14:00:00.000Z",
        ownerId: "rep-7",
        reason: "callback",
        cycle: 3,
        suggestedHalf: "afternoon",
        suggestedWindow: { start: "2026-11-24T18:00:00.000Z", end: "2026-11-24T22:00:00.000Z" },
        lastOutcome: { type: "call.stalled", reason: "Budget in May", at: "2026-05-01T15:00:00.000Z" },
        touches: 5,
        prompts: ["Ask one.", "Ask two."],
        notes: ["a", "b"],
      },
    });
    expect(Object.fromEntries(EXPORT_COLUMNS.map((column, i) => [column, row[i]]))).toEqual({
      prospect_id: "p-1",
      owner_id: "rep-7",
      owner_email: "w@acme.example",
      first_name: "Dana",
      last_name: "",
      company: "",
      title: "",
      email: "",
      phone: "",
      timezone: "",
      tier: "A",
      entered_queue_at: "2026-11-24T15:00:00.000Z",
      due_at: "2026-11-24T14:00:00.000Z",
      suggested_window: "2026-11-24T18:00:00.000Z/2026-11-24T22:00:00.000Z",
      last_outcome: "call.stalled",
      last_reason: "Budget in May",
      cycle: "3",
      touches: "5",
      prompts: "Ask one.; Ask two.",
      note: "a\nb",
    });
  });

  it("neutralises every formula-looking cell and leaves the rest alone", () => {
    for (const cell of ["=1+1", "+1 312", "-2", "@SUM(A1)", "\t=1", "\r=1"])
      expect(neutralizeFormula(cell)).toBe(`'${cell}`);
    for (const cell of ["", "Amélie", "李雷", "1+1", "a=b", "'already"])
      expect(neutralizeFormula(cell)).toBe(cell);
  });
});
