/**
 * ISO weeks in the team's time zone, for the weekly export (CONTRACT.md): "the prospects that entered
 * the call queue in the previous ISO week". A week runs Monday 00:00 to the next Monday 00:00 local
 * time, so a DST change inside it makes it 167 or 169 hours long; both bounds are exact instants.
 */
import { DateTime } from "luxon";
import { zoneFor } from "../calendar/zone.ts";
import { RedialError } from "../errors.ts";

/** `2026-W48`: ISO 8601 week-numbering year, `W`, two-digit week. */
export const WEEK_PATTERN = /^(\d{4})-W(\d{2})$/;

export interface IsoWeek {
  /** `2026-W48`. */
  id: string;
  /** Monday 00:00 local, as a UTC instant (inclusive). */
  start: Date;
  /** The next Monday 00:00 local (exclusive). */
  end: Date;
}

/** The week `id` in `zone`; a week number the year does not have (W53 of most years) is refused. */
export function isoWeek(id: string, zone: string): IsoWeek {
  const match = WEEK_PATTERN.exec(id);
  const monday = match
    ? DateTime.fromObject(
        { weekYear: Number(match[1]), weekNumber: Number(match[2]), weekday: 1 },
        { zone: zoneFor(zone) },
      )
    : null;
  if (!monday?.isValid || monday.toFormat("kkkk-'W'WW") !== id) {
    throw new RedialError("invalid", "Not an ISO week", [
      { path: "week", message: `Expected an ISO week such as 2026-W48 that exists, got "${id}"` },
    ]);
  }
  return { id, start: monday.toJSDate(), end: monday.plus({ weeks: 1 }).toJSDate() };
}

/** The ISO week that contains `at` in `zone`. */
export function weekOf(at: Date, zone: string): IsoWeek {
  const local = DateTime.fromJSDate(at, { zone: zoneFor(zone) });
  return isoWeek(local.toFormat("kkkk-'W'WW"), zone);
}

/** The week before the one that contains `at`: what a Monday-morning export covers. */
export function previousWeek(at: Date, zone: string): IsoWeek {
  const local = DateTime.fromJSDate(at, { zone: zoneFor(zone) }).minus({ weeks: 1 });
  return weekOf(local.toJSDate(), zone);
}

/** When the weekly export runs: an ISO weekday and a local "HH:mm" in the team's zone. */
export interface WeeklySlot {
  weekday: number;
  time: string;
  zone: string;
}

/**
 * The first run strictly after `after`. Computed from local wall time each week, so "Monday 07:00"
 * stays 07:00 across DST. A local time that does not exist that day (a spring-forward gap) moves
 * forward to the first instant that does, as Luxon does.
 */
export function nextRun(after: Date, slot: WeeklySlot): Date {
  const [hour, minute] = slot.time.split(":").map(Number);
  const local = DateTime.fromJSDate(after, { zone: zoneFor(slot.zone) });
  let candidate = local.set({ weekday: slot.weekday as 1, hour, minute, second: 0, millisecond: 0 });
  while (candidate <= local) candidate = candidate.plus({ weeks: 1 });
  return candidate.toJSDate();
}
