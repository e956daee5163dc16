import { DateTime } from "luxon";
import { isoUtc } from "../../calendar/calendar.ts";
import type { Timer } from "../../schemas/prospect.ts";

const WEEK_MS = 7 * 86_400_000;

/**
 * G3 at plan time: at most `cap` automated emails per prospect in any rolling 7 days. An email that
 * would break the cap is deferred (never dropped) to when the oldest email in its week ages out, then
 * put back into its send window by `reslot`. `history` holds emails already sent or still pending.
 * The per-sender cap (200 per 24 h) depends on other prospects and is checked at send time.
 */
export function capEmails(
  emails: readonly Timer[],
  history: readonly string[],
  cap: number,
  reslot: (timer: Timer, earliest: DateTime) => DateTime,
): Timer[] {
  const taken = history.map((iso) => Date.parse(iso)).sort((a, b) => a - b);
  const out: Timer[] = [];
  for (const email of [...emails].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
    let at = Date.parse(email.at);
    for (let guard = 0; guard < 100; guard++) {
      const inWeek = taken.filter((t) => t <= at && at - t < WEEK_MS);
      if (inWeek.length < cap) break;
      const oldestThatMatters = inWeek[inWeek.length - cap] ?? at;
      at = reslot(email, DateTime.fromMillis(oldestThatMatters + WEEK_MS)).toMillis();
    }
    taken.push(at);
    taken.sort((a, b) => a - b);
    out.push(at === Date.parse(email.at) ? email : { ...email, at: isoUtc(at) });
  }
  return out;
}
