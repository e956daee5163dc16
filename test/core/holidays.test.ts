/**
 * G2: no email and no call on a public holiday of where the prospect is (its country and region,
 * else its phone's country, its zone's, the team's), for any year; the playbook adds and removes
 * dates (PLAYBOOK.md "Additions (December 2026)", CONTRACT.md "Where the prospect is").
 * Frozen dates in 2031: nothing here depends on today.
 */
import {
  type Decision,
  decide,
  InboundEvent,
  mergeProfile,
  type Playbook,
  type Profile,
  type Prospect,
  parsePlaybook,
  placeOf,
  prospectCalendar,
  sendVerdict,
} from "@redial/core";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { event, only, playbook, playbookText, softNo } from "../support/core.ts";
import { holidaysOf, PLACES, type Where } from "../support/places.ts";

const prospectIn = (where: Where) => ({
  country: where.country,
  ...(where.region ? { region: where.region } : {}),
  timezone: where.timezone,
});

/** Every instant a decision plans (emails, calls and their windows), as local dates in `zone`. */
function plannedDates(decision: Decision, zone: string): string[] {
  return decision.actions
    .filter((a) => a.type === "email" || a.type === "call")
    .flatMap((a) => [a.at, ...(a.window ? [a.window.start, a.window.end] : [])])
    .map((at) => DateTime.fromISO(at, { zone }).toISODate() ?? "");
}

const localIso = (date: string, clock: string, zone: string) =>
  DateTime.fromISO(`${date}T${clock}`, { zone }).toISO({ suppressMilliseconds: true }) ?? "";

/** An email timer of `state` moved to `at`: what the runner holds when it fires then. */
function emailTimerAt(state: Prospect, at: string) {
  const timer = only(state.timers.filter((t) => t.kind === "email"));
  return { ...timer, at: DateTime.fromISO(at).toUTC().toISO() ?? at };
}

describe("G2: no email and no call on the prospect's own public and bank holidays (2031)", () => {
  for (const where of PLACES) {
    it(`${where.name}: a soft no at 07:00 local on each holiday plans nothing on any holiday, and the email timer defers`, () => {
      const holidays = holidaysOf(where, 2031);
      const holidaySet = new Set(holidays);
      expect(holidays.length).toBeGreaterThanOrEqual(5);
      for (const date of holidays) {
        const now = localIso(date, "07:00", where.timezone);
        const decision = decide(null, softNo(now, prospectIn(where)), playbook, new Date(now));
        expect(decision.rule).toBe("R2");
        expect(decision.actions.some((a) => a.type === "email")).toBe(true);
        expect(decision.actions.some((a) => a.type === "call")).toBe(true);
        for (const planned of plannedDates(decision, where.timezone))
          expect(holidaySet.has(planned), `${where.name} ${date}: planned on holiday ${planned}`).toBe(false);

        const tenAm = localIso(date, "10:00", where.timezone);
        const verdict = sendVerdict(
          decision.next,
          emailTimerAt(decision.next, tenAm),
          playbook,
          new Date(tenAm),
        );
        expect(verdict.kind, `${where.name} ${date}`).toBe("defer");
        if (verdict.kind !== "defer") continue;
        expect(verdict.rule).toBe("G2");
        expect(holidaySet.has(verdict.at.setZone(where.timezone).toISODate() ?? "")).toBe(false);
      }
    });
  }
});

describe("G2: another country's holiday is a business day", () => {
  const THANKSGIVING = "2031-11-27"; // a Thursday
  const berlin = PLACES.find((p) => p.name === "DE-BE") as Where;
  const newYork = PLACES.find((p) => p.name === "US") as Where;

  it("a DE-BE prospect gets its email at 10:00 Berlin on US Thanksgiving; a US one is deferred", () => {
    for (const [where, expected] of [
      [berlin, "send"],
      [newYork, "defer"],
    ] as const) {
      const before = localIso(THANKSGIVING, "07:00", where.timezone);
      const state = decide(null, softNo(before, prospectIn(where)), playbook, new Date(before)).next;
      const tenAm = localIso(THANKSGIVING, "10:00", where.timezone);
      expect(sendVerdict(state, emailTimerAt(state, tenAm), playbook, new Date(tenAm)).kind).toBe(expected);
    }
  });

  it("a DE-BE prospect's next-business-morning note after a Wednesday soft no lands on Thanksgiving", () => {
    const wednesday = localIso("2031-11-26", "15:00", berlin.timezone);
    const decision = decide(null, softNo(wednesday, prospectIn(berlin)), playbook, new Date(wednesday));
    const email = only(decision.actions.filter((a) => a.type === "email"));
    expect(DateTime.fromISO(email.at, { zone: berlin.timezone }).toISODate()).toBe(THANKSGIVING);
  });
});

describe("G2: regional holidays (date-holidays, 2031)", () => {
  const isHoliday = (where: Pick<Where, "country" | "region">, date: string) =>
    prospectCalendar({ ...where, timezone: "UTC" }, playbook).isHoliday(
      DateTime.fromISO(`${date}T12:00:00Z`),
    );

  it("GB-SCT has 2 January and no Easter Monday; GB-ENG the reverse", () => {
    expect(holidaysOf({ country: "GB", region: "SCT" }, 2031)).toContain("2031-01-02");
    expect(holidaysOf({ country: "GB", region: "SCT" }, 2031)).not.toContain("2031-04-14");
    expect(isHoliday({ country: "GB", region: "SCT" }, "2031-01-02")).toBe(true);
    expect(isHoliday({ country: "GB", region: "SCT" }, "2031-04-14")).toBe(false);
    expect(isHoliday({ country: "GB", region: "ENG" }, "2031-01-02")).toBe(false);
    expect(isHoliday({ country: "GB", region: "ENG" }, "2031-04-14")).toBe(true);
  });

  it("DE-BY has Epiphany (6 January); DE-BE does not", () => {
    expect(isHoliday({ country: "DE", region: "BY" }, "2031-01-06")).toBe(true);
    expect(isHoliday({ country: "DE", region: "BE" }, "2031-01-06")).toBe(false);
  });

  it("a region the library does not list gets the country's national holidays", () => {
    expect(isHoliday({ country: "GB", region: "ZZZ" }, "2031-12-25")).toBe(true);
    expect(isHoliday({ country: "GB", region: "ZZZ" }, "2031-12-24")).toBe(false);
  });

  it("substitute days count: GB-SCT's St Andrew's Day falls on a Sunday, Monday 1 December is off", () => {
    expect(isHoliday({ country: "GB", region: "SCT" }, "2031-12-01")).toBe(true);
  });

  it("any year: the first decision of 2077 knows US Thanksgiving (25 November)", () => {
    expect(isHoliday({ country: "US" }, "2077-11-25")).toBe(true);
    expect(isHoliday({ country: "US" }, "2077-11-24")).toBe(false);
  });

  it("observances and optional days do not count: US Christmas Eve 2031 is a business day", () => {
    expect(isHoliday({ country: "US" }, "2031-12-24")).toBe(false);
  });
});

describe("G2: where the prospect is (country > phone > zone > team.country)", () => {
  const team = playbook.team.country;

  it("the profile's country and region come first", () => {
    expect(
      placeOf({ country: "GB", region: "SCT", phone: "+1 212 555 0100", timezone: "America/New_York" }, team),
    ).toEqual({ country: "GB", region: "SCT", source: "profile" });
  });

  it("then an international phone number's country", () => {
    expect(placeOf({ phone: "+44 20 7946 0958", timezone: "America/New_York" }, team)).toEqual({
      country: "GB",
      source: "phone",
    });
  });

  it("then the time zone's country (a national number names none)", () => {
    expect(placeOf({ phone: "030 123456", timezone: "Europe/Berlin" }, team)).toEqual({
      country: "DE",
      source: "zone",
    });
  });

  it("then the playbook's team.country (US by default), also for a zone of no country", () => {
    expect(team).toBe("US");
    expect(placeOf({ timezone: "UTC" }, team)).toEqual({ country: "US", source: "team" });
    const gbTeam = parsePlaybook(playbookText.replace("  country: US\n", "  country: GB\n"));
    expect(placeOf({}, gbTeam.team.country)).toEqual({ country: "GB", source: "team" });
  });

  it("decide() follows it: a +44 number in New York skips Boxing Day, the same prospect without it does not", () => {
    const boxingDayEve = "2031-12-25T15:00:00-05:00"; // Thursday, Christmas in both
    const noteDay = (prospect: Record<string, unknown>) => {
      const d = decide(null, softNo(boxingDayEve, prospect), playbook, new Date(boxingDayEve));
      const email = only(d.actions.filter((a) => a.type === "email"));
      return DateTime.fromISO(email.at, { zone: "America/New_York" }).toISODate();
    };
    expect(noteDay({ phone: "+44 20 7946 0958" })).toBe("2031-12-29");
    expect(noteDay({})).toBe("2031-12-26");
  });
});

describe("G2: prospect.country and prospect.region on the inbound event", () => {
  const parse = (prospect: Record<string, unknown>) =>
    InboundEvent.safeParse({
      type: "prospect.updated",
      occurredAt: "2031-01-01T00:00:00Z",
      prospect: { id: "p-1", ...prospect },
    });

  it("uppercases them and reads a full ISO 3166-2 code", () => {
    const parsed = event("prospect.updated", "2031-01-01T00:00:00Z", {}, { country: "gb", region: "gb-sct" });
    expect(parsed.prospect).toMatchObject({ country: "GB", region: "SCT" });
  });

  it("refuses an unknown country, naming the value", () => {
    const result = parse({ country: "XX" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["prospect", "country"]);
    expect(result.error?.issues[0]?.message).toContain('"XX"');
    expect(parse({ country: "Germany" }).success).toBe(false);
    expect(parse({ region: "Bavaria" }).success).toBe(false);
  });

  it("merges like other profile fields; a new country without a region drops the old region", () => {
    const stored: Profile = { tier: "B", fitsProfile: true, country: "DE", region: "BY" };
    expect(mergeProfile(stored, { id: "p-1" })).toMatchObject({ country: "DE", region: "BY" });
    expect(mergeProfile(stored, { id: "p-1", region: "BE" })).toMatchObject({ country: "DE", region: "BE" });
    const moved = mergeProfile(stored, { id: "p-1", country: "GB" });
    expect(moved.country).toBe("GB");
    expect(moved).not.toHaveProperty("region");
  });
});

describe("G2: the playbook adds and removes holidays, team-wide and per country", () => {
  const tuned: Playbook = parsePlaybook(
    playbookText
      .replace("  extraHolidays: []\n", '  extraHolidays: ["2031-03-04"]\n')
      .replace("  ignoreHolidays: []\n", '  ignoreHolidays: ["2031-11-27"]\n')
      .replace(
        "  countries: {}\n",
        [
          "  countries:",
          '    GB: { extraHolidays: ["2031-06-03"], ignoreHolidays: ["2031-12-26"] }',
          "    DE: { types: [public] }",
          "",
        ].join("\n"),
      ),
  );
  const isHoliday = (book: Playbook, profile: Partial<Profile>, date: string) =>
    prospectCalendar({ timezone: "UTC", ...profile }, book).isHoliday(DateTime.fromISO(`${date}T12:00:00Z`));

  it("team-wide: extraHolidays everywhere, ignoreHolidays everywhere", () => {
    expect(isHoliday(tuned, { country: "US" }, "2031-03-04")).toBe(true);
    expect(isHoliday(tuned, { country: "IN" }, "2031-03-04")).toBe(true);
    expect(isHoliday(playbook, { country: "US" }, "2031-11-27")).toBe(true);
    expect(isHoliday(tuned, { country: "US" }, "2031-11-27")).toBe(false);
  });

  it("per country: GB's dates apply to GB prospects only", () => {
    expect(isHoliday(tuned, { country: "GB", region: "ENG" }, "2031-06-03")).toBe(true);
    expect(isHoliday(tuned, { country: "US" }, "2031-06-03")).toBe(false);
    expect(isHoliday(tuned, { country: "GB", region: "ENG" }, "2031-12-26")).toBe(false);
    expect(isHoliday(tuned, { country: "GB", region: "ENG" }, "2031-12-25")).toBe(true);
  });

  it("per country types: DE counting public only makes Christmas Eve (bank, from 14:00) a business day", () => {
    expect(isHoliday(playbook, { country: "DE", region: "BE" }, "2031-12-24")).toBe(true);
    expect(isHoliday(tuned, { country: "DE", region: "BE" }, "2031-12-24")).toBe(false);
  });

  it("the old calendar.holidays list is refused at load, naming its successor", () => {
    const old = playbookText.replace("  extraHolidays: []\n", '  holidays: ["2031-03-04"]\n');
    expect(() => parsePlaybook(old)).toThrow(/calendar\.holidays.*extraHolidays/);
  });
});
