/**
 * The local runtime's business clock: real time plus an offset that only grows. Timers, plans, the
 * timeline and the export week read it; the webhook signature window reads the wall clock instead
 * (CONTRACT.md, "Local runtime"), so a CRM's real timestamps keep working after a jump.
 *
 * It can start at any instant, past or future (`REDIAL_DEV_NOW`): tests and walk-throughs pin business
 * time there, so nothing they do depends on today's date. From then on it runs with the wall clock.
 */
import { type Clock, RedialError } from "@redial/core";
import { DateTime, Duration } from "luxon";

export const systemClock: Clock = { now: () => new Date() };

export class DevClock implements Clock {
  readonly #wall: Clock;
  #offsetMs = 0;

  /** `start`: where business time begins (an ISO 8601 instant with an offset); the wall clock if absent. */
  constructor(wall: Clock = systemClock, start?: string) {
    this.#wall = wall;
    if (start !== undefined) this.#offsetMs = parseStart(start).getTime() - wall.now().getTime();
  }

  now(): Date {
    return new Date(this.#wall.now().getTime() + this.#offsetMs);
  }

  /** How far business time is ahead of the wall clock. */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /**
   * Moves forward by an ISO 8601 duration (`P3D`, `PT90M`, `P1M`). Calendar units are added in UTC,
   * so `P1M` from 31 January lands on the last day of February, as a person would count it.
   */
  advance(isoDuration: string): Date {
    return this.#moveTo(this.now(), this.after(isoDuration));
  }

  /** Where `advance(isoDuration)` would move the clock, without moving it. */
  after(isoDuration: string): Date {
    const duration = Duration.fromISO(isoDuration);
    if (!duration.isValid) {
      throw invalidClock(
        "advance",
        `Not an ISO 8601 duration (like P3D or PT2H): ${duration.invalidExplanation ?? isoDuration}`,
      );
    }
    const now = this.now();
    const target = DateTime.fromJSDate(now, { zone: "utc" }).plus(duration).toJSDate();
    if (target.getTime() < now.getTime()) throw invalidClock("advance", "The dev clock only moves forward");
    return target;
  }

  /** Jumps to an instant. Moving back is refused: stored timers and the timeline assume time never rewinds. */
  to(dateTime: string | Date): Date {
    return this.#moveTo(this.now(), this.checkTo(dateTime));
  }

  /** The instant `to(dateTime)` would move the clock to, validated, without moving it. */
  checkTo(dateTime: string | Date): Date {
    const target =
      typeof dateTime === "string"
        ? DateTime.fromISO(dateTime, { setZone: true })
        : DateTime.fromJSDate(dateTime);
    if (!target.isValid) throw invalidClock("to", `Not an ISO 8601 date-time: ${String(dateTime)}`);
    const now = this.now();
    if (target.toMillis() < now.getTime()) {
      throw invalidClock("to", `The dev clock only moves forward; it is already ${now.toISOString()}`);
    }
    return target.toJSDate();
  }

  #moveTo(now: Date, target: Date): Date {
    this.#offsetMs += target.getTime() - now.getTime();
    return this.now();
  }
}

/** REDIAL_DEV_NOW: an instant with an offset, so "business time" never depends on the machine's zone. */
function parseStart(text: string): Date {
  const start = DateTime.fromISO(text, { setZone: true });
  const hasOffset = /(Z|[+-]\d{2}(:?\d{2})?)$/i.test(text.trim());
  if (!start.isValid || !hasOffset || start.year < 1970 || start.year > 2999) {
    throw new Error(
      `REDIAL_DEV_NOW must be an ISO 8601 instant with an offset from 1970 through 2999, like 2027-01-05T09:00:00Z (got ${JSON.stringify(text)})`,
    );
  }
  return start.toJSDate();
}

const invalidClock = (path: string, message: string) =>
  new RedialError("invalid", message, [{ path, message }]);
