/**
 * Business time in one prospect's zone: business days, half-days, send windows, holidays (G2).
 * Pure and DST-correct: every local wall-clock computation goes through Luxon in the IANA zone, never
 * through hand-written offsets. All inputs and outputs that cross the module boundary are UTC instants.
 */
import { DateTime, type Zone } from "luxon";
import type { CalendarSettings, DailyWindow } from "../schemas/playbook.ts";
import type { HalfDay } from "../schemas/prospect.ts";
import { zoneFor } from "./zone.ts";

/** A search for the next slot never looks further than this; a playbook with no open day fails loudly. */
const MAX_SEARCH_DAYS = 400;

export interface LocalWindow {
  start: DateTime;
  end: DateTime;
}

const clocks = new Map<string, { hour: number; minute: number }>();
/** "HH:MM" → numbers; the playbook has a handful of distinct clocks, so parse each once. */
const parseClock = (clock: string) => {
  let parsed = clocks.get(clock);
  if (!parsed) {
    const [hour, minute] = clock.split(":").map(Number);
    parsed = { hour: hour ?? 0, minute: minute ?? 0 };
    clocks.set(clock, parsed);
  }
  return parsed;
};

const DAY_MS = 86_400_000;

/**
 * A local calendar date as a day number (days since 1970-01-01). Stepping through dates and finding a
 * weekday are then integer arithmetic with no zone involved; Luxon alone turns a date and a wall-clock
 * time into an instant in the prospect's zone, DST included (atDate). Searching days this way instead
 * of with a Luxon DateTime per day made decide() several times faster.
 */
type Day = number;
const dayOf = (local: DateTime): Day => Date.UTC(local.year, local.month - 1, local.day) / DAY_MS;
const dayOfIso = (isoDate: string): Day => Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS;
/** The year, month and day of a day number (calendar arithmetic on UTC dates, no zone). */
const dateOf = (day: Day) => {
  const date = new Date(day * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
};
/** ISO weekday, 1 = Monday … 7 = Sunday; day 0 (1970-01-01) was a Thursday. */
const weekdayOf = (day: Day) => ((((day + 3) % 7) + 7) % 7) + 1;

/**
 * (zone, local date, "HH:MM") → instant. Pure, so shared across decisions: a team's prospects use a
 * few zones, the playbook a few clocks and the plans a few hundred dates, so the same wall-clock
 * times come up again and again, and Luxon's fromObject is the costliest step of planning.
 */
const wallClockInstants = new Map<string, DateTime>(); // Luxon DateTimes are immutable: safe to share
const MAX_WALL_CLOCK_INSTANTS = 100_000;

/** One Set per playbook, not per decision: a Calendar is made for every decide() call. */
const holidaySets = new WeakMap<CalendarSettings, ReadonlySet<Day>>();
const holidaySet = (settings: CalendarSettings) => {
  let set = holidaySets.get(settings);
  if (!set) {
    set = new Set(settings.holidays.map(dayOfIso));
    holidaySets.set(settings, set);
  }
  return set;
};

export class Calendar {
  readonly zone: string;
  /** The same zone as a memoised Luxon zone (zone.ts): every local computation goes through it. */
  readonly tz: Zone;
  private readonly inZone: { zone: Zone };
  private readonly businessWeekdays: readonly boolean[];
  private readonly settings: CalendarSettings;
  private readonly holidays: ReadonlySet<Day>;

  constructor(zone: string, settings: CalendarSettings) {
    this.zone = zone;
    this.tz = zoneFor(zone);
    this.inZone = { zone: this.tz };
    this.businessWeekdays = Array.from({ length: 8 }, (_, weekday) =>
      settings.businessDays.includes(weekday),
    );
    this.settings = settings;
    this.holidays = holidaySet(settings);
  }

  /** The instant as local time in this calendar's zone. */
  local(instant: Date | string | DateTime): DateTime {
    const dt =
      instant instanceof DateTime
        ? instant
        : typeof instant === "string"
          ? DateTime.fromISO(instant, { setZone: true })
          : DateTime.fromJSDate(instant);
    return dt.setZone(this.tz);
  }

  isHoliday(day: DateTime): boolean {
    return this.holidays.has(dayOf(this.local(day)));
  }

  isBusinessDay(day: DateTime): boolean {
    return this.isBusinessDate(dayOf(this.local(day)));
  }

  /**
   * The same local time `n` business days later, or the local time `clock` on that day. A start on a
   * non-business day first rolls to the next business day, so `n = 0` means "today if today is a
   * business day".
   */
  addBusinessDays(from: DateTime, n: number, clock?: string): DateTime {
    const local = this.local(from);
    const start = dayOf(local);
    let date = this.nextBusinessDate(start);
    for (let i = 0; i < n; i++) date = this.nextBusinessDate(date + 1);
    if (clock) return this.atDate(date, clock);
    return date === start ? local : this.plusDays(local, date - start);
  }

  /**
   * The same local wall-clock time `days` calendar days later (15:00 stays 15:00 across a DST change).
   * Same result as Luxon's `plus({ days })`, about three times faster: date arithmetic on day numbers,
   * then Luxon places the wall-clock time in the zone.
   */
  plusDays(from: DateTime, days: number): DateTime {
    const local = this.local(from);
    return this.wallClock(dayOf(local) + days, local);
  }

  /** The same local wall-clock time `months` later, on the same day or the month's last (as Luxon). */
  plusMonths(from: DateTime, months: number): DateTime {
    const local = this.local(from);
    const first = new Date(Date.UTC(local.year, local.month - 1 + months, 1));
    const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
    const day = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(local.day, lastDay)) / DAY_MS;
    return this.wallClock(day, local);
  }

  private wallClock(date: Day, time: DateTime): DateTime {
    const { year, month, day } = dateOf(date);
    const { hour, minute, second, millisecond } = time;
    return DateTime.fromObject({ year, month, day, hour, minute, second, millisecond }, this.inZone);
  }

  /** Which half of the day an instant falls in, by local noon. */
  halfOf(instant: DateTime): HalfDay {
    return this.local(instant).hour < 12 ? "morning" : "afternoon";
  }

  /** The call window of one half on the local day of `day`. */
  halfWindow(day: DateTime, half: HalfDay): LocalWindow {
    return this.halfOn(dayOf(this.local(day)), half);
  }

  /** The earliest instant at or after `from` inside `half` on a business day, and that window. */
  nextCallSlot(from: DateTime, half: HalfDay): LocalWindow {
    const first = dayOf(this.local(from));
    for (let i = 0; i <= MAX_SEARCH_DAYS; i++) {
      const date = first + i;
      if (!this.isBusinessDate(date)) continue;
      const window = this.halfOn(date, half);
      if (window.end > from)
        return { start: window.start < from ? this.local(from) : window.start, end: window.end };
    }
    throw new Error("Calendar has no business days");
  }

  /** The latest business-day start of `half` at or before `at` (a callback comes a little early). */
  previousCallSlot(at: DateTime, half: HalfDay): LocalWindow {
    const first = dayOf(this.local(at));
    for (let i = 0; i <= MAX_SEARCH_DAYS; i++) {
      const date = first - i;
      if (!this.isBusinessDate(date)) continue;
      const window = this.halfOn(date, half);
      if (window.start <= at) return window;
    }
    throw new Error("Calendar has no business days");
  }

  /** The earliest instant at or after `from` inside a daily window (G2 send window), on a business day. */
  nextWindowSlot(from: DateTime, window: DailyWindow): DateTime {
    const first = dayOf(this.local(from));
    for (let i = 0; i <= MAX_SEARCH_DAYS; i++) {
      const date = first + i;
      if (!this.isBusinessDate(date) || !window.days.includes(weekdayOf(date))) continue;
      const start = this.atDate(date, window.start);
      // Only on the first day can the window have closed already, or be open right now.
      if (i > 0) return start;
      if (this.atDate(date, window.end) > from) return start < from ? this.local(from) : start;
    }
    throw new Error("Send window never opens: check sendWindow.days against calendar.businessDays");
  }

  /** Whether an instant is inside the daily window on a business day. */
  inWindow(instant: DateTime, window: DailyWindow): boolean {
    return this.nextWindowSlot(instant, window).toMillis() === instant.toMillis();
  }

  /** The local time `clock` on the local day of `day`. Luxon moves a time that DST skips forward. */
  at(day: DateTime, clock: string): DateTime {
    return this.atDate(dayOf(this.local(day)), clock);
  }

  private atDate(date: Day, clock: string): DateTime {
    const key = `${this.zone}|${date}|${clock}`;
    let instant = wallClockInstants.get(key);
    if (!instant) {
      const { hour, minute } = parseClock(clock);
      instant = DateTime.fromObject({ ...dateOf(date), hour, minute }, this.inZone);
      if (wallClockInstants.size >= MAX_WALL_CLOCK_INSTANTS) wallClockInstants.clear();
      wallClockInstants.set(key, instant);
    }
    return instant;
  }

  private halfOn(date: Day, half: HalfDay): LocalWindow {
    const span = this.settings.halfDays[half];
    return { start: this.atDate(date, span.start), end: this.atDate(date, span.end) };
  }

  private isBusinessDate(date: Day): boolean {
    return this.businessWeekdays[weekdayOf(date)] === true && !this.holidays.has(date);
  }

  private nextBusinessDate(from: Day): Day {
    for (let i = 0; i <= MAX_SEARCH_DAYS; i++) {
      const date = from + i;
      if (this.isBusinessDate(date)) return date;
    }
    throw new Error("Calendar has no business days");
  }
}

export const otherHalf = (half: HalfDay): HalfDay => (half === "morning" ? "afternoon" : "morning");

/** G2: the prospect's zone, else its owner's, else the team's. */
export function resolveZone(
  profile: { timezone?: string | undefined; owner?: { timezone?: string | undefined } | undefined },
  teamZone: string,
): string {
  return profile.timezone ?? profile.owner?.timezone ?? teamZone;
}

/** UTC ISO 8601 without zero milliseconds ("2026-11-17T13:00:00Z"); Date's formatter is the fast one. */
export const isoUtc = (millis: number): string => new Date(millis).toISOString().replace(".000Z", "Z");

export const toUtcIso = (dt: DateTime): string => {
  if (!dt.isValid) throw new Error(`Invalid date-time: ${dt.invalidExplanation ?? "unknown"}`);
  return isoUtc(dt.toMillis());
};
