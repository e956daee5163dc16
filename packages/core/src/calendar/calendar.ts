/**
 * Business time in one prospect's zone: business days, half-days, send windows, holidays (G2).
 * Pure and DST-correct: every instant is placed in its zone by Luxon, never by hand-written offsets;
 * only calendar dates are stepped by hand, as day numbers (days.ts).
 */
import { DateTime, type Zone } from "luxon";
import { isKnownZone } from "../schemas/event.ts";
import type { CalendarSettings, DailyWindow } from "../schemas/playbook.ts";
import type { HalfDay } from "../schemas/prospect.ts";
import {
  DAY_MS,
  type Day,
  dateOf,
  dayOf,
  minutesOf,
  NOON,
  parseClock,
  plusMonthsDate,
  type WallTime,
  weekdayOf,
} from "./days.ts";
import type { HolidayLookup } from "./holidays.ts";
import type { Place } from "./place.ts";
import { zoneFor } from "./zone.ts";

/** A search for the next slot never looks further than this; a playbook with no open day fails loudly. */
const MAX_SEARCH_DAYS = 400;
const MINUTE_MS = 60_000;

export interface LocalWindow {
  start: DateTime;
  end: DateTime;
}

/**
 * (zone, local date, "HH:MM") → instant. Pure, so shared across decisions: a team's prospects use a
 * few zones, the playbook a few clocks and the plans a few hundred dates, so the same wall-clock
 * times come up again and again, and Luxon's fromObject is the costliest step of planning.
 */
const wallClockInstants = new Map<string, Map<number, DateTime>>(); // per zone; DateTimes are immutable
const MAX_INSTANTS_PER_ZONE = 100_000;
const instantsIn = (zone: string) => {
  let instants = wallClockInstants.get(zone);
  if (!instants) {
    instants = new Map();
    wallClockInstants.set(zone, instants);
  }
  return instants;
};

/** Business weekdays, indexed by ISO weekday, prepared once per playbook, not per decision (a Calendar is). */
const weekdaysOf = new WeakMap<CalendarSettings, readonly boolean[]>();
const businessWeekdays = (settings: CalendarSettings): readonly boolean[] => {
  let ready = weekdaysOf.get(settings);
  if (!ready) {
    ready = Array.from({ length: 8 }, (_, weekday) => settings.businessDays.includes(weekday));
    weekdaysOf.set(settings, ready);
  }
  return ready;
};

export class Calendar {
  readonly zone: string;
  /** The same zone as a memoised Luxon zone (zone.ts): every local computation goes through it. */
  readonly tz: Zone;
  private readonly inZone: { zone: Zone };
  private readonly instants: Map<number, DateTime>;
  /** Where the prospect is, when the calendar was built for one (prospect-calendar.ts). */
  readonly place: Place | undefined;
  private readonly settings: CalendarSettings;
  private readonly businessWeekdays: readonly boolean[];
  private readonly holidays: HolidayLookup;
  /** The holidays of the year last asked about: a search for a slot stays in one year or two. */
  private yearFirst = 0;
  private yearEnd = 0;
  private yearHolidays: ReadonlySet<Day> = new Set();

  /**
   * `holidays` are those of the prospect's place (holidays.ts `holidaysFor`), asked for one year at a
   * time, lazily: a plan that never reaches next year never computes it.
   */
  constructor(zone: string, settings: CalendarSettings, holidays: HolidayLookup, place?: Place) {
    this.zone = zone;
    this.tz = zoneFor(zone);
    this.inZone = { zone: this.tz };
    this.instants = instantsIn(zone);
    this.settings = settings;
    this.businessWeekdays = businessWeekdays(settings);
    this.holidays = holidays;
    this.place = place;
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

  /**
   * A stored instant with an explicit offset (a timer's `at` or `plannedAt`, always UTC ISO) as local
   * time: Date.parse and fromMillis, several times faster than Luxon's fromISO on the hot path.
   */
  instant(iso: string): DateTime {
    return DateTime.fromMillis(Date.parse(iso), this.inZone);
  }

  /** G2: whether the local date of `day` is a holiday where the prospect is. */
  isHoliday(day: DateTime): boolean {
    return this.isHolidayDate(dayOf(this.local(day)));
  }

  isBusinessDay(day: DateTime): boolean {
    return this.isBusinessDate(dayOf(this.local(day)));
  }

  /**
   * The same local time `n` business days later. `n = 0` is today if today is a business day, else the
   * next one; from a Saturday or a holiday, 1 business day later is the next business day.
   */
  addBusinessDays(from: DateTime, n: number): DateTime {
    const local = this.local(from);
    const start = dayOf(local);
    const date = this.nthBusinessDate(start, n);
    return date === start ? local : this.wallTime(date, local);
  }

  /**
   * How many business days lie after `from`'s local date, up to and including `to`'s (0 on the same
   * day or when `to` is earlier): so `addBusinessDays(from, n)` falls on `to`'s date for the result n
   * when both are business days (G8, G9: how late a step is, in the prospect's calendar). Counting
   * stops at `stopAt` for a caller that only needs to know "more than n".
   */
  businessDaysBetween(from: DateTime, to: DateTime, stopAt = Number.POSITIVE_INFINITY): number {
    return this.businessDatesBetween(dayOf(this.local(from)), dayOf(this.local(to)), stopAt);
  }

  /** `businessDaysBetween` on local dates. */
  businessDatesBetween(from: Day, to: Day, stopAt = Number.POSITIVE_INFINITY): number {
    let count = 0;
    for (let date = from + 1; date <= to && count < stopAt; date++) if (this.isBusinessDate(date)) count++;
    return count;
  }

  /**
   * The local date of an instant and its wall-clock time in minutes since local midnight (seconds as
   * a fraction), from the memoised zone offset: no DateTime built, for checks that run on every pair
   * of emails (G9).
   */
  localDayTime(millis: number): { day: Day; minutes: number } {
    const local = millis + this.tz.offset(millis) * MINUTE_MS;
    const day = Math.floor(local / DAY_MS);
    return { day, minutes: (local - day * DAY_MS) / MINUTE_MS };
  }

  /** Noon on the `n`-th business day after `from`: for plans that need a day, not a time (calls). */
  businessDayAfter(from: DateTime, n: number): DateTime {
    return this.atDate(this.nthBusinessDate(dayOf(this.local(from)), n), NOON);
  }

  /** Noon `days` calendar days after `from`'s local date (recycles: a day, not a time). */
  dayAfter(from: DateTime, days: number): DateTime {
    return this.atDate(dayOf(this.local(from)) + days, NOON);
  }

  /**
   * The send slot of a drip step (G2): `shift` after `from` (business days or calendar months), at
   * `clock` or else at `from`'s local time, moved into `window`, never before `notBefore`. The same
   * as `nextWindowSlot(later(target, notBefore), window)`, but it builds the target instant only when
   * it falls inside the window: most drip steps land outside the narrow preferred window, and Luxon's
   * fromObject is the costliest call in planning.
   */
  stepSlot(
    from: DateTime,
    shift: { businessDays: number } | { months: number },
    clock: string | undefined,
    window: DailyWindow,
    notBefore: DateTime,
  ): DateTime {
    const local = this.local(from);
    const date =
      "months" in shift
        ? plusMonthsDate(local, shift.months)
        : this.nthBusinessDate(dayOf(local), shift.businessDays);
    const time: WallTime = clock ? { ...parseClock(clock), second: 0, millisecond: 0 } : local;
    const floor = this.local(notBefore);
    const floorDate = dayOf(floor);
    if (date < floorDate - 1) return this.nextWindowSlot(floor, window); // the target is in the past
    // Wall-clock times order like instants only a full day apart and on a day with no DST change.
    if (date <= floorDate + 1 || this.isTransitionDate(date)) {
      const target = this.wallTime(date, time);
      return this.nextWindowSlot(target > floor ? target : floor, window);
    }
    if (this.isOpen(date, window)) {
      const minutes = minutesOf(time);
      if (minutes < minutesOf(parseClock(window.start))) return this.atDate(date, window.start);
      if (minutes < minutesOf(parseClock(window.end))) return this.wallTime(date, time);
    }
    return this.firstOpenStart(date + 1, window);
  }

  /**
   * The same local wall-clock time `days` calendar days later (15:00 stays 15:00 across a DST change).
   * Same result as Luxon's `plus({ days })`, about three times faster: date arithmetic on day numbers,
   * then Luxon places the wall-clock time in the zone.
   */
  plusDays(from: DateTime, days: number): DateTime {
    const local = this.local(from);
    return this.wallTime(dayOf(local) + days, local);
  }

  /** The same local wall-clock time `months` later, on the same day or the month's last (as Luxon). */
  plusMonths(from: DateTime, months: number): DateTime {
    const local = this.local(from);
    return this.wallTime(plusMonthsDate(local, months), local);
  }

  private wallTime(date: Day, time: WallTime): DateTime {
    const { hour, minute, second, millisecond } = time;
    // Whole minutes (window starts, playbook clocks, most event times) share atMinute's memo.
    if (second === 0 && millisecond === 0) return this.atMinute(date, hour, minute);
    const { year, month, day } = dateOf(date);
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

  /** The call window of one half on a local date (a day number). */
  halfWindowOn(date: Day, half: HalfDay): LocalWindow {
    return this.halfOn(date, half);
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
    const date = dayOf(this.local(from));
    if (this.isOpen(date, window) && this.atDate(date, window.end) > from) {
      const start = this.atDate(date, window.start);
      return start < from ? this.local(from) : start;
    }
    return this.firstOpenStart(date + 1, window);
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
    const { hour, minute } = parseClock(clock);
    return this.atMinute(date, hour, minute);
  }

  private atMinute(date: Day, hour: number, minute: number): DateTime {
    const key = date * 1440 + hour * 60 + minute; // minutes since 1970-01-01, in local wall-clock terms
    let instant = this.instants.get(key);
    if (!instant) {
      instant = DateTime.fromObject({ ...dateOf(date), hour, minute }, this.inZone);
      if (this.instants.size >= MAX_INSTANTS_PER_ZONE) this.instants.clear();
      this.instants.set(key, instant);
    }
    return instant;
  }

  private halfOn(date: Day, half: HalfDay): LocalWindow {
    const span = this.settings.halfDays[half];
    return { start: this.atDate(date, span.start), end: this.atDate(date, span.end) };
  }

  /** Whether a local date (a day number) is a business day where the prospect is. */
  isBusinessDate(date: Day): boolean {
    return this.businessWeekdays[weekdayOf(date)] === true && !this.isHolidayDate(date);
  }

  private isHolidayDate(date: Day): boolean {
    if (date < this.yearFirst || date >= this.yearEnd) {
      const year = new Date(date * DAY_MS).getUTCFullYear();
      this.yearFirst = Date.UTC(year, 0, 1) / DAY_MS;
      this.yearEnd = Date.UTC(year + 1, 0, 1) / DAY_MS;
      this.yearHolidays = this.holidays(year);
    }
    return this.yearHolidays.has(date);
  }

  private nextBusinessDate(from: Day): Day {
    for (let i = 0; i <= MAX_SEARCH_DAYS; i++) {
      const date = from + i;
      if (this.isBusinessDate(date)) return date;
    }
    throw new Error("Calendar has no business days");
  }

  private nthBusinessDate(start: Day, n: number): Day {
    if (n === 0) return this.nextBusinessDate(start);
    let date = start;
    for (let i = 0; i < n; i++) date = this.nextBusinessDate(date + 1);
    return date;
  }

  /** A business day on which the window opens. */
  private isOpen(date: Day, window: DailyWindow): boolean {
    return this.isBusinessDate(date) && window.days.includes(weekdayOf(date));
  }

  private firstOpenStart(from: Day, window: DailyWindow): DateTime {
    for (let date = from; date <= from + MAX_SEARCH_DAYS; date++) {
      if (this.isOpen(date, window)) return this.atDate(date, window.start);
    }
    throw new Error("Send window never opens: check sendWindow.days against calendar.businessDays");
  }

  /** Whether the zone's offset changes during this local date (a DST day). */
  private isTransitionDate(date: Day): boolean {
    return this.atDate(date, "00:30").offset !== this.atDate(date, "23:30").offset;
  }
}

export const otherHalf = (half: HalfDay): HalfDay => (half === "morning" ? "afternoon" : "morning");

/**
 * G2: the prospect's zone, else its owner's, else the team's. A stored profile holds only valid zones
 * (decide/zone.ts keeps unknown ones out), but a zone is checked here too, so no reader ever builds a
 * calendar on a name Luxon cannot place.
 */
export function resolveZone(
  profile: { timezone?: string | undefined; owner?: { timezone?: string | undefined } | undefined },
  teamZone: string,
): string {
  return validZone(profile.timezone) ?? validZone(profile.owner?.timezone) ?? teamZone;
}

/** The name if it is a known IANA zone, else undefined. */
export const validZone = (zone: string | undefined): string | undefined =>
  zone !== undefined && isKnownZone(zone) ? zone : undefined;

/**
 * UTC ISO 8601 without zero milliseconds ("2026-11-17T13:00:00Z"). Remembered per instant: plans put
 * many timers on the same few window starts, and formatting was a tenth of decide()'s time.
 */
export const isoUtc = (millis: number): string => {
  let iso = isoStrings.get(millis);
  if (iso === undefined) {
    iso = new Date(millis).toISOString().replace(".000Z", "Z");
    if (isoStrings.size >= MAX_ISO_STRINGS) isoStrings.clear();
    isoStrings.set(millis, iso);
  }
  return iso;
};
const isoStrings = new Map<number, string>();
const MAX_ISO_STRINGS = 100_000;

export const toUtcIso = (dt: DateTime): string => {
  if (!dt.isValid) throw new Error(`Invalid date-time: ${dt.invalidExplanation ?? "unknown"}`);
  return isoUtc(dt.toMillis());
};
