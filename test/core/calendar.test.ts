import { prospectCalendar, resolveZone, toUtcIso } from "@redial/core";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { playbook } from "../support/core.ts";

const cal = (zone: string) => prospectCalendar({ timezone: zone }, playbook);
const utc = (dt: DateTime) => toUtcIso(dt);
const at = (iso: string) => DateTime.fromISO(iso, { setZone: true });

describe("calendar: business days (weekends and holidays)", () => {
  it("skips the weekend: Friday + 1 business day is Monday, same local time", () => {
    expect(utc(cal("America/New_York").addBusinessDays(at("2026-11-13T15:00:00-05:00"), 1))).toBe(
      "2026-11-16T20:00:00Z",
    );
  });

  it("skips a holiday: the day before Thanksgiving + 1 is the Friday after", () => {
    const next = cal("America/New_York").addBusinessDays(at("2026-11-25T10:00:00-05:00"), 1);
    expect(next.toISODate()).toBe("2026-11-27");
  });

  it("rolls a Saturday start to Monday when adding 0 days", () => {
    expect(cal("America/Chicago").addBusinessDays(at("2026-11-21T10:00:00-06:00"), 0).toISODate()).toBe(
      "2026-11-23",
    );
  });

  it("reads holidays as local dates in the prospect's zone", () => {
    // 2026-12-25 03:00 UTC is still Christmas Eve in Los Angeles: a business day there.
    const christmasEveLA = at("2026-12-25T03:00:00Z");
    expect(cal("America/Los_Angeles").isBusinessDay(christmasEveLA)).toBe(true);
    expect(cal("Europe/Paris").isBusinessDay(christmasEveLA)).toBe(false);
  });
});

describe("calendar: DST (America/New_York)", () => {
  it("March: 09:00 local is 14:00Z before the change and 13:00Z after it", () => {
    const ny = cal("America/New_York");
    // DST starts Sunday 2027-03-14.
    expect(utc(ny.nextCallSlot(at("2027-03-12T06:00:00-05:00"), "morning").start)).toBe(
      "2027-03-12T14:00:00Z",
    );
    expect(utc(ny.nextCallSlot(at("2027-03-13T06:00:00-05:00"), "morning").start)).toBe(
      "2027-03-15T13:00:00Z",
    );
  });

  it("March: adding business days across the change keeps the local wall-clock time", () => {
    const next = cal("America/New_York").addBusinessDays(at("2027-03-12T15:00:00-05:00"), 1);
    expect(next.toFormat("yyyy-MM-dd HH:mm")).toBe("2027-03-15 15:00");
    expect(utc(next)).toBe("2027-03-15T19:00:00Z");
  });

  it("November: the send window opens at 08:00 local on both sides of the change", () => {
    const ny = cal("America/New_York");
    // DST ends Sunday 2026-11-01.
    expect(utc(ny.nextWindowSlot(at("2026-10-30T17:30:00-04:00"), playbook.sendWindow))).toBe(
      "2026-11-02T13:00:00Z",
    );
    expect(utc(ny.nextWindowSlot(at("2026-10-29T17:30:00-04:00"), playbook.sendWindow))).toBe(
      "2026-10-30T12:00:00Z",
    );
  });
});

describe("calendar: half-hour zones and windows", () => {
  it("Asia/Kolkata (UTC+05:30): the morning call window starts 03:30Z", () => {
    const slot = cal("Asia/Kolkata").nextCallSlot(at("2026-11-17T00:00:00Z"), "morning");
    expect(utc(slot.start)).toBe("2026-11-17T03:30:00Z");
    expect(utc(slot.end)).toBe("2026-11-17T06:30:00Z");
  });

  it("splits the day at local noon", () => {
    const kolkata = cal("Asia/Kolkata");
    expect(kolkata.halfOf(at("2026-11-17T06:29:00Z"))).toBe("morning"); // 11:59 IST
    expect(kolkata.halfOf(at("2026-11-17T06:30:00Z"))).toBe("afternoon"); // 12:00 IST
  });

  it("G2: inside the window an instant is its own slot; after hours the next business morning", () => {
    const ny = cal("America/New_York");
    const inside = at("2026-11-17T10:15:00-05:00");
    expect(ny.inWindow(inside, playbook.sendWindow)).toBe(true);
    expect(utc(ny.nextWindowSlot(at("2026-11-20T17:00:00-05:00"), playbook.sendWindow))).toBe(
      "2026-11-23T13:00:00Z",
    );
  });

  it("G2: the preferred window (Tue–Thu 08:00–11:00) skips Friday and Monday", () => {
    const slot = cal("America/New_York").nextWindowSlot(
      at("2026-11-20T09:00:00-05:00"),
      playbook.preferredWindow,
    );
    expect(slot.toFormat("ccc yyyy-MM-dd HH:mm")).toBe("Tue 2026-11-24 08:00");
  });

  it("a callback slot comes at or before the target, on a business day", () => {
    // Saturday 2027-05-01 → Friday 2027-04-30 09:00 EDT.
    const slot = cal("America/New_York").previousCallSlot(at("2027-05-01T09:00:00-04:00"), "morning");
    expect(utc(slot.start)).toBe("2027-04-30T13:00:00Z");
  });
});

describe("calendar: G2 zone fallback", () => {
  it("uses the prospect's zone, else the owner's, else the team's", () => {
    expect(
      resolveZone({ timezone: "Europe/Paris", owner: { timezone: "Asia/Tokyo" } }, "America/New_York"),
    ).toBe("Europe/Paris");
    expect(resolveZone({ owner: { timezone: "Asia/Tokyo" } }, "America/New_York")).toBe("Asia/Tokyo");
    expect(resolveZone({}, "America/New_York")).toBe("America/New_York");
  });
});

describe("calendar: day and month arithmetic agrees with Luxon's plus()", () => {
  const zones = ["America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Europe/Paris"];
  const starts = [
    "2026-03-07T02:30:00Z",
    "2026-10-31T15:04:05.123Z",
    "2027-01-31T23:59:00Z",
    "2028-02-29T12:00:00Z",
  ];
  it("plusDays and plusMonths equal Luxon's plus for 0–400 days and 0–30 months", () => {
    for (const zone of zones) {
      const calendar = cal(zone);
      for (const start of starts) {
        const from = calendar.local(start);
        for (let days = 0; days <= 400; days += 7)
          expect(utc(calendar.plusDays(from, days))).toBe(utc(from.plus({ days })));
        for (let months = 0; months <= 30; months++)
          expect(utc(calendar.plusMonths(from, months))).toBe(utc(from.plus({ months })));
      }
    }
  });
});

describe("calendar: the hot-path readers agree with Luxon", () => {
  const zones = ["America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Europe/Paris"];
  it("instant(iso) and localDayTime(ms) give Luxon's local date and time, every 97 minutes over 2 years", () => {
    for (const zone of zones) {
      const calendar = cal(zone);
      for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2028, 0, 1); ms += 97 * 60_000 + 1_234) {
        const luxon = DateTime.fromMillis(ms, { zone });
        const iso = new Date(ms).toISOString();
        expect(calendar.instant(iso).toISO()).toBe(luxon.toISO());
        const { day, minutes } = calendar.localDayTime(ms);
        expect(new Date(day * 86_400_000).toISOString().slice(0, 10)).toBe(luxon.toISODate());
        expect(minutes).toBeCloseTo(
          luxon.hour * 60 + luxon.minute + luxon.second / 60 + luxon.millisecond / 60_000,
          9,
        );
      }
    }
  });
});

describe("calendar: stepSlot is nextWindowSlot(later(target, notBefore)) without the detours", () => {
  // A seeded generator keeps the test reproducible (mulberry32).
  let seed = 42;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const windows = [
    playbook.sendWindow,
    playbook.preferredWindow,
    { days: [1, 2, 3, 4, 5, 6, 7], start: "01:00", end: "03:00" },
  ];

  it("agrees on 5,000 random steps across DST zones, windows, shifts and floors", () => {
    for (let i = 0; i < 5_000; i++) {
      const calendar = cal(
        pick(["America/New_York", "Europe/Paris", "Australia/Lord_Howe", "America/Santiago", "Asia/Kolkata"]),
      );
      // Half of the starts sit on a quarter hour, so window edges (08:00, 11:00, 17:00) are hit exactly.
      const offset = random() * 730 * 86_400_000;
      const start = Date.UTC(2026, 0, 1) + (random() < 0.5 ? Math.round(offset / 900_000) * 900_000 : offset);
      const from = calendar.local(DateTime.fromMillis(start));
      const notBefore = from.plus({ milliseconds: (random() - 0.3) * 60 * 86_400_000 });
      const window = pick(windows);
      const clock = random() < 0.3 ? pick(["08:00", "01:30", "11:00", "17:00", "02:30"]) : undefined;
      const shift: { businessDays: number } | { months: number } =
        random() < 0.5
          ? { businessDays: Math.floor(random() * 45) }
          : { months: 1 + Math.floor(random() * 8) };
      const day =
        "months" in shift
          ? calendar.plusMonths(from, shift.months)
          : calendar.addBusinessDays(from, shift.businessDays);
      const target = clock ? calendar.at(day, clock) : day;
      const expected = calendar.nextWindowSlot(target > notBefore ? target : notBefore, window);
      expect(
        utc(calendar.stepSlot(from, shift, clock, window, notBefore)),
        JSON.stringify({ from, shift, clock, window, notBefore }),
      ).toBe(utc(expected));
    }
  });
});
