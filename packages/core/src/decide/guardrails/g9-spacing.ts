import { DateTime } from "luxon";
import { type Calendar, isoUtc } from "../../calendar/calendar.ts";
import type { Timer } from "../../schemas/prospect.ts";
import { capDeferral } from "./g3-frequency-cap.ts";

/**
 * G9: steps that come due late keep their spacing, and no two automated emails reach one prospect
 * less than `minGapBusinessDays` apart (docs/decisions.md, "Late steps"):
 *
 * - Min gap: an email goes out no earlier than the same local time `minGapBusinessDays` business days
 *   after the previous one (sent Fri 10:00 → the next on Mon 10:00 at the earliest), and no later one
 *   may already be pending closer than that.
 * - Spacing: step n+1 of a sequence is late by at least as many business days as step n ended up late
 *   (from its `plannedAt` to its slot): the business days between them stay those the playbook planned.
 */
export function nextAllowed(cal: Calendar, sentAt: number, minGap: number): number {
  return cal.addBusinessDays(DateTime.fromMillis(sentAt, { zone: cal.tz }), minGap).toMillis();
}

/**
 * Whether `later` is at least `minGap` business days after `earlier` (`later >= nextAllowed(earlier)`),
 * both in ms, without building an instant: count the business dates in between, and on the boundary
 * date compare wall-clock times. Planning checks every pair of emails, so no Luxon DateTime here.
 */
export function apart(cal: Calendar, earlier: number, later: number, minGap: number): boolean {
  if (minGap === 0) return true;
  const from = cal.localDayTime(earlier);
  const to = cal.localDayTime(later);
  // Counting stops past minGap: emails weeks apart need no more than that to pass.
  const days = cal.businessDatesBetween(from.day, to.day, minGap + 1);
  if (days !== minGap) return days > minGap;
  // On the minGap-th business date itself, or on a closed day after it.
  if (!cal.isBusinessDate(to.day)) return true;
  return to.minutes >= from.minutes;
}

export interface SpacingOptions {
  cal: Calendar;
  minGapBusinessDays: number;
  /** G3's cap, applied in the same pass: moving an email for one guardrail must not break the other. */
  perProspectPer7Days: number;
  /** Puts an email back into its send window, no earlier than `earliest` and never before now. */
  reslot: (timer: Timer, earliest: DateTime) => DateTime;
}

/**
 * G9 and G3 at plan time. `history` holds the emails already sent or still pending. Emails are taken in
 * order (overdue steps all sit on the same slot, so the planned order breaks the tie), each moved later
 * until it keeps its sequence spacing, the min gap to every other email and the G3 cap. Never dropped.
 */
export function spaceEmails(
  emails: readonly Timer[],
  history: readonly string[],
  options: SpacingOptions,
): Timer[] {
  const { cal, minGapBusinessDays: gap, perProspectPer7Days: cap, reslot } = options;
  const taken = history.map((iso) => Date.parse(iso)).sort((a, b) => a - b); // ascending, for G3
  const fits = (a: number, b: number) => (a <= b ? apart(cal, a, b, gap) : apart(cal, b, a, gap));
  const out: Timer[] = [];
  const placed = new Map<string, Timer>(); // sequence#step → the email as placed
  // Overdue steps all sit on the same slot: the planned order breaks the tie.
  const ordered = emails
    .map((email) => ({ email, at: Date.parse(email.at), planned: Date.parse(plannedOf(email)) }))
    .sort((a, b) => a.at - b.at || a.planned - b.planned);
  for (const { email, at: slot } of ordered) {
    let at = slot;
    const before = email.step ? placed.get(`${email.sequence}#${email.step - 1}`) : undefined;
    // A step before it that went out as planned (late by 0 business days) moves nothing.
    if (before?.plannedAt && email.plannedAt && before.at !== before.plannedAt) {
      const late = cal.businessDaysBetween(cal.instant(before.plannedAt), cal.instant(before.at));
      const kept = reslot(email, cal.addBusinessDays(cal.instant(email.plannedAt), late)).toMillis();
      if (kept > at) at = kept;
    }
    for (let guard = 0; guard < 100; guard++) {
      const clash = taken.filter((t) => !fits(t, at));
      if (clash.length) {
        at = reslot(
          email,
          DateTime.fromMillis(nextAllowed(cal, Math.max(...clash), gap), { zone: cal.tz }),
        ).toMillis();
        continue;
      }
      const free = capDeferral(taken, at, cap); // G3
      if (free === null) break;
      const cappedAt = reslot(email, DateTime.fromMillis(free, { zone: cal.tz })).toMillis();
      if (cappedAt === at) break;
      at = cappedAt;
    }
    taken.push(at);
    taken.sort((a, b) => a - b);
    const moved = at === slot ? email : { ...email, at: isoUtc(at) };
    if (email.step) placed.set(`${email.sequence}#${email.step}`, moved);
    out.push(moved);
  }
  return out;
}

const plannedOf = (timer: Timer) => timer.plannedAt ?? timer.at;

/**
 * G9 at send time: a step deferred to `moved.at` pushes the later pending steps of its drip (same
 * sequence, same cycle) so each stays as many business days behind the one before as the playbook
 * planned. Returns only the timers that move; timers without `plannedAt` (stored before it) stay.
 */
export function respaceFollowers(
  cal: Calendar,
  timers: readonly Timer[],
  moved: Timer,
  reslot: (timer: Timer, earliest: DateTime) => DateTime,
): Timer[] {
  const step = moved.step;
  if (step === undefined) return [];
  const followers = timers
    .filter(
      (t) =>
        t.kind === "email" &&
        t.id !== moved.id &&
        t.sequence === moved.sequence &&
        t.cycle === moved.cycle &&
        (t.step ?? 0) > step,
    )
    .sort((a, b) => (a.step ?? 0) - (b.step ?? 0));
  const out: Timer[] = [];
  let before = moved;
  for (const timer of followers) {
    if (!before.plannedAt || !timer.plannedAt) break;
    const late = cal.businessDaysBetween(cal.instant(before.plannedAt), cal.instant(before.at));
    const earliest = reslot(timer, cal.addBusinessDays(cal.instant(timer.plannedAt), late)).toMillis();
    before = timer;
    if (earliest > Date.parse(timer.at)) {
      before = { ...timer, at: isoUtc(earliest) };
      out.push(before);
    }
  }
  return out;
}
