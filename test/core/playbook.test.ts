import { parsePlaybook, RedialError } from "@redial/core";
import { describe, expect, it } from "vitest";
import { playbook, playbookText } from "../support/core.ts";

const broken = (from: string, to: string) => () => parsePlaybook(playbookText.replace(from, to));

describe("the playbook is typed and validated at load", () => {
  it("loads the default playbook", () => {
    expect(playbook.tiers).toEqual({
      A: { recycleAfterDays: 120 },
      B: { recycleAfterDays: 180 },
      C: { recycleAfterDays: 270 },
    });
    expect(playbook.sequences.nurture?.steps.map((s) => s.businessDays)).toEqual([0, 7, 21, 42]);
  });

  it("G8/G9: the default playbook marks the note and the voicemail follow-up moment-bound; older files load with defaults", () => {
    expect(playbook.lateSteps).toEqual({ freshForBusinessDays: 2, minGapBusinessDays: 1 });
    const bound = Object.entries(playbook.sequences).filter(([, s]) => s.momentBound);
    expect(bound.map(([name]) => name)).toEqual(["bad-time-note", "voicemail-followup"]);

    const olderText = playbookText
      .replace(/\nlateSteps:\n(?: {2}.*\n|\s*#.*\n)*/, "\n")
      .replace(/ *momentBound: true.*\n/g, "");
    expect(olderText).not.toMatch(/lateSteps|momentBound|freshForBusinessDays/);
    const older = parsePlaybook(olderText);
    expect(older.lateSteps).toEqual({ freshForBusinessDays: 2, minGapBusinessDays: 1 });
    expect(Object.values(older.sequences).some((s) => s.momentBound)).toBe(false);
  });

  it("names the field of a wrong type", () => {
    expect(broken("B: { recycleAfterDays: 180 }", 'B: { recycleAfterDays: "six months" }')).toThrow(
      /tiers\.B\.recycleAfterDays/,
    );
  });

  it("names a rule that points to a missing sequence", () => {
    expect(broken("noteSequence: bad-time-note", "noteSequence: bad-tme-note")).toThrow(
      /rules\.softNo\.noteSequence: Unknown sequence "bad-tme-note"/,
    );
  });

  it("rejects a bad local time and an unknown time zone", () => {
    expect(broken('start: "08:00"\n  end: "17:00"', 'start: "8am"\n  end: "17:00"')).toThrow(
      /sendWindow\.start/,
    );
    expect(broken("timezone: America/New_York", "timezone: Mars/Olympus")).toThrow(/team\.timezone/);
  });

  it("reports YAML syntax errors as such, with the file name", () => {
    expect(() => parsePlaybook("tiers: [", "team.yaml")).toThrow(/team\.yaml: not valid YAML/);
  });

  it("fails with a RedialError listing every problem", () => {
    try {
      parsePlaybook("team: {}\n");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RedialError);
      expect((error as RedialError).errors.map((e) => e.path)).toEqual(
        expect.arrayContaining(["team.timezone", "calendar", "tiers"]),
      );
    }
  });
});
