import { DateTime, IANAZone } from "luxon";
import { describe, expect, it } from "vitest";
import { localAt, localIso } from "../../packages/core/src/calendar/local-time.ts";
import { zoneFor } from "../../packages/core/src/calendar/zone.ts";

// Zones with DST at odd hours, 30-minute DST (Lord Howe), half-hour offsets, southern-hemisphere DST.
const ZONES = [
  "America/New_York",
  "America/St_Johns",
  "Australia/Lord_Howe",
  "Asia/Kolkata",
  "Europe/Paris",
  "America/Santiago",
  "Pacific/Chatham",
];

describe("the memoised zone gives Luxon's own offsets", () => {
  for (const name of ZONES) {
    it(`${name}: every 15 minutes of 2026–2027`, () => {
      const memo = zoneFor(name);
      const exact = IANAZone.create(name);
      const start = Date.UTC(2026, 0, 1);
      const end = Date.UTC(2028, 0, 1);
      let mismatches = 0;
      for (let ts = start; ts < end; ts += 15 * 60_000)
        if (memo.offset(ts) !== exact.offset(ts)) mismatches++;
      expect(mismatches).toBe(0);
    });
  }

  it("is the same zone to Luxon (same name, equal)", () => {
    expect(zoneFor("Europe/Paris").equals(IANAZone.create("Europe/Paris"))).toBe(true);
  });
});

describe('G2 local times (CONTRACT.md "Local times") are Luxon\'s ISO without milliseconds', () => {
  for (const name of ZONES) {
    it(`${name}: every 47 minutes of 2026–2027, DST days included`, () => {
      const start = Date.UTC(2026, 0, 1);
      const end = Date.UTC(2028, 0, 1);
      let mismatches = 0;
      for (let ts = start; ts < end; ts += 47 * 60_000) {
        const expected = DateTime.fromMillis(ts, { zone: name }).toISO({ suppressMilliseconds: true });
        if (localIso(ts, name) !== expected || localAt(new Date(ts).toISOString(), name) !== expected)
          mismatches++;
      }
      expect(mismatches).toBe(0);
    });
  }

  it("writes a zero offset as +00:00, not Z, and drops milliseconds", () => {
    expect(localIso(Date.parse("2027-01-05T08:00:00.250Z"), "Europe/London")).toBe(
      "2027-01-05T08:00:00+00:00",
    );
    expect(localAt("2027-01-05T07:00:00Z", "Europe/Berlin")).toBe("2027-01-05T08:00:00+01:00");
  });
});
