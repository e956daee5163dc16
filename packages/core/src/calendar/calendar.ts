/**
 * Business time in one prospect's zone: business days, half-days, send windows, holidays (G2).
 * Pure and DST-correct: every local wall-clock computation goes through Luxon in the IANA zone, never
 * through hand-written offsets. All inputs and outputs that cross the module boundary are UTC instants.
 */
import { DateTime } from "luxon";
import type { CalendarSettings, DailyWindow } from "../schemas/playbook.ts";
import type { HalfDay } from "../schemas/prospect.ts";

/** A search for the next slot never looks further than this; a playbook with no open day fails loudly. */
const MAX_SEARCH_DAYS = 400;

export interface LocalWindow {
  start: DateTime;
  end: DateTime;
}

const parseClock = (clock: string) => {
  const [hour, minute] = clock.split(":").map(Number);
  return { hour: hour ?? 0, minute: minute ?? 0 };
};

export class Calendar {
  readonly zone: string;
  private readonly settings: CalendarSettings;
  private readonly holidays: ReadonlySet<string>;

  constructor(zone: string, settings: CalendarSettings) {
    this.zone = zone;
    this.settings = settings;
    this.holidays = new Set(settings.holidays);
  }

  /** The instant as local time in this calendar's zone. */
  local(instant: Date | string | DateTime): DateTime {
    const dt =
      instant instanceof DateTime
        ? instant
        : typeof instant === "string"
          ? DateTime.fromISO(instant, { setZone: true })
          : DateTime.fromJSDate(instant);
    return dt.setZone(this.zone);
  }

  isHoliday(day: DateTime): boolean {
    return this.holidays.has(day.setZone(this.zone).toISODate() ?? "");
  }

  isBusinessDay(day: DateTime): boolean {
    const local = day.setZone(this.zone);
    return this.settings.businessDays.includes(local.weekday) && !this.isHoliday(local);
  }

  /**
   * The same local time `n` business days later. A start on a non-business day first rolls to the next
   * business day, so `n = 0` means "today if today is a business day".
   */
  addBusinessDays(from: DateTime, n: number): DateTime {
    let day = this.nextBusinessDay(this.local(from));
    for (let i = 0; i < n; i++) day = this.nextBusinessDay(day.plus({ days: 1 }));
    return day;
  }

  private nextBusinessDay(from: DateTime): DateTime {
    let day = from;
    for (let i = 0; !this.isBusinessDay(day); i++, day = day.plus({ days: 1 })) {
      if (i > MAX_SEARCH_DAYS) throw new Error("Calendar has no business days");
    }
    return day;
  }

  /** Which half of the day an instant falls in, by local noon. */
  halfOf(instant: DateTime): HalfDay {
    return this.local(instant).hour < 12 ? "morning" : "afternoon";
  }

  /** The call window of one half on the local day of `day`. */
  halfWindow(day: DateTime, half: HalfDay): LocalWindow {
    const span = this.settings.halfDays[half];
    return this.windowOn(day, span.start, span.end);
  }

  /** The earliest instant at or after `from` inside `half` on a business day, and that window. */
  nextCallSlot(from: DateTime, half: HalfDay): LocalWindow {
    let day = this.local(from).startOf("day");
    for (let i = 0; i <= MAX_SEARCH_DAYS; i++, day = day.plus({ days: 1 })) {
      if (!this.isBusinessDay(day)) continue;
      const window = this.halfWindow(day, half);
      if (window.end > from)
        return { start: window.start < from ? this.local(from) : window.start, end: window.end };
    }
    throw new Error("Calendar has no business days");
  }

  /** The latest business-day start of `half` at or before `at` (a callback comes a little early). */
  previousCallSlot(at: DateTime, half: HalfDay): LocalWindow {
    let day = this.local(at).startOf("day");
    for (let i = 0; i <= MAX_SEARCH_DAYS; i++, day = day.minus({ days: 1 })) {
      if (!this.isBusinessDay(day)) continue;
      const window = this.halfWindow(day, half);
      if (window.start <= at) return window;
    }
    throw new Error("Calendar has no business days");
  }

  /** The earliest instant at or after `from` inside a daily window (G2 send window), on a business day. */
  nextWindowSlot(from: DateTime, window: DailyWindow): DateTime {
    let day = this.local(from).startOf("day");
    for (let i = 0; i <= MAX_SEARCH_DAYS; i++, day = day.plus({ days: 1 })) {
      if (!this.isBusinessDay(day) || !window.days.includes(day.weekday)) continue;
      const open = this.windowOn(day, window.start, window.end);
      if (open.end > from) return open.start < from ? this.local(from) : open.start;
    }
    throw new Error("Send window never opens: check sendWindow.days against calendar.businessDays");
  }

  /** Whether an instant is inside the daily window on a business day. */
  inWindow(instant: DateTime, window: DailyWindow): boolean {
    return this.nextWindowSlot(instant, window).toMillis() === instant.toMillis();
  }

  /** The local time `clock` on the local day of `day`. Luxon moves a time that DST skips forward. */
  at(day: DateTime, clock: string): DateTime {
    return this.local(day).set({ ...parseClock(clock), second: 0, millisecond: 0 });
  }

  private windowOn(day: DateTime, start: string, end: string): LocalWindow {
    return { start: this.at(day, start), end: this.at(day, end) };
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

export const toUtcIso = (dt: DateTime): string => {
  const iso = dt.toUTC().toISO({ suppressMilliseconds: true });
  if (!iso) throw new Error(`Invalid date-time: ${dt.invalidExplanation ?? "unknown"}`);
  return iso;
};
