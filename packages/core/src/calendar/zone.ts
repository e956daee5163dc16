/**
 * A faster IANA zone for Luxon. Luxon asks Intl for a zone's offset on nearly every operation, and
 * that lookup was ~45% of decide()'s time. Offsets change at most once a day (a DST transition), so
 * we remember a UTC day's offset when it is the same at the day's first and last millisecond, and
 * ask Intl every time only on the two transition days a year. Same answers, far fewer Intl calls.
 *
 * The memo is module-level but pure: a zone's offset at an instant never changes while the process
 * runs (tzdata is fixed at start), so sharing it across decisions cannot change a result.
 */
import { IANAZone } from "luxon";

const DAY_MS = 86_400_000;
/** Bounds memory: 16 zones × a few thousand days each is plenty; past that, start over. */
const MAX_DAYS_PER_ZONE = 20_000;

class MemoZone extends IANAZone {
  /** UTC day number → offset in minutes, or null on a day with a transition. */
  private readonly days = new Map<number, number | null>();

  override offset(ts: number): number {
    const day = Math.floor(ts / DAY_MS);
    let known = this.days.get(day);
    if (known === undefined) {
      const first = super.offset(day * DAY_MS);
      known = first === super.offset((day + 1) * DAY_MS - 1) ? first : null;
      if (this.days.size >= MAX_DAYS_PER_ZONE) this.days.clear();
      this.days.set(day, known);
    }
    return known ?? super.offset(ts);
  }
}

const zones = new Map<string, MemoZone>();

/** The memoised Luxon zone for an IANA name (validated by the caller's schema). */
export function zoneFor(name: string): IANAZone {
  let zone = zones.get(name);
  if (!zone) {
    zone = new MemoZone(name);
    zones.set(name, zone);
  }
  return zone;
}
