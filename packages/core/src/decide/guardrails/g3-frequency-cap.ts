const WEEK_MS = 7 * 86_400_000;

/**
 * G3 at plan time: at most `cap` automated emails per prospect in any rolling 7 days. `taken` holds the
 * instants (ms, ascending) of the emails already sent, pending or placed. Returns null when an email at
 * `at` keeps the cap, else the earliest instant it could go instead: when the oldest email of its week
 * that matters ages out. The caller puts that back into the send window and checks again: an email
 * is deferred, never dropped. The per-sender cap (200 per 24 h) depends on other prospects and is
 * checked at send time. Numbers, not ISO strings: this runs for every planned email of every decision.
 */
export function capDeferral(taken: readonly number[], at: number, cap: number): number | null {
  const inWeek = taken.filter((t) => t <= at && at - t < WEEK_MS);
  if (inWeek.length < cap) return null;
  return (inWeek[inWeek.length - cap] ?? at) + WEEK_MS;
}
