/**
 * Local dates as day numbers and wall-clock times as numbers: plain calendar arithmetic, no zone.
 * Stepping through dates and finding a weekday are then integer operations; Luxon alone turns a date
 * and a wall-clock time into an instant in a zone, DST included (calendar.ts). Searching days this way
 * instead of with a Luxon DateTime per day made decide() several times faster.
 */
import type { DateTime } from "luxon";

export const DAY_MS = 86_400_000;
export const NOON = "12:00";

/** A local calendar date: days since 1970-01-01. */
export type Day = number;

export const dayOf = (local: DateTime): Day => Date.UTC(local.year, local.month - 1, local.day) / DAY_MS;
export const dayOfIso = (isoDate: string): Day => Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS;

/** The year, month and day of a day number. */
export const dateOf = (day: Day) => {
  const date = new Date(day * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
};

/** The day `months` after a local date, on the same day of the month or the month's last (as Luxon). */
export const plusMonthsDate = (local: DateTime, months: number): Day => {
  const first = new Date(Date.UTC(local.year, local.month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(local.day, lastDay)) / DAY_MS;
};

/** ISO weekday, 1 = Monday … 7 = Sunday; day 0 (1970-01-01) was a Thursday. */
export const weekdayOf = (day: Day) => ((((day + 3) % 7) + 7) % 7) + 1;

export interface WallTime {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** Minutes since local midnight, as the wall clock reads them. */
export const minutesOf = (t: { hour: number; minute: number; second?: number; millisecond?: number }) =>
  t.hour * 60 + t.minute + (t.second ?? 0) / 60 + (t.millisecond ?? 0) / 60_000;

const clocks = new Map<string, { hour: number; minute: number }>();
/** "HH:MM" → numbers; the playbook has a handful of distinct clocks, so parse each once. */
export const parseClock = (clock: string) => {
  let parsed = clocks.get(clock);
  if (!parsed) {
    const [hour, minute] = clock.split(":").map(Number);
    parsed = { hour: hour ?? 0, minute: minute ?? 0 };
    clocks.set(clock, parsed);
  }
  return parsed;
};
