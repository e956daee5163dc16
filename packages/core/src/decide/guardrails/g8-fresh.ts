import type { DateTime } from "luxon";
import type { Calendar } from "../../calendar/calendar.ts";
import type { Playbook } from "../../schemas/playbook.ts";
import type { Timer } from "../../schemas/prospect.ts";

/**
 * G8: a step whose words depend on the moment (a `momentBound` sequence: "I may have caught you at a
 * bad time", "Just left you a voicemail") goes out no later than the same local time
 * `lateSteps.freshForBusinessDays` business days after the time the playbook planned for it; later, it
 * is skipped with a remark, never sent late. A timer stored before `plannedAt` existed counts from its
 * `at` (as planned then). Checked when planned (decide) and when sent (send/verdict.ts); I7 checks it
 * over the table.
 */
export function isMomentBound(playbook: Playbook, sequence: string | undefined): boolean {
  return playbook.sequences[sequence ?? ""]?.momentBound === true;
}

/** The last instant a moment-bound step planned for `plannedAt` may go out. */
export function freshUntil(cal: Calendar, plannedAt: string, playbook: Playbook): DateTime {
  return cal.addBusinessDays(cal.instant(plannedAt), playbook.lateSteps.freshForBusinessDays);
}

/** Why a moment-bound email going out at `at` is too late, or null when it is fresh (or not moment-bound). */
export function staleReason(
  cal: Calendar,
  playbook: Playbook,
  timer: Pick<Timer, "at" | "plannedAt" | "sequence" | "template">,
  at: DateTime,
): string | null {
  if (!isMomentBound(playbook, timer.sequence)) return null;
  const planned = timer.plannedAt ?? timer.at;
  if (at <= freshUntil(cal, planned, playbook)) return null;
  const late = cal.businessDaysBetween(cal.instant(planned), at);
  const fresh = playbook.lateSteps.freshForBusinessDays;
  return `${timer.template ?? timer.sequence} was planned for ${planned}, would go out ${at.toUTC().toISO({ suppressMilliseconds: true })}: ${late} business day(s) late, more than ${fresh}: skipped (G8)`;
}

/** G8 at plan time: the planned emails that are still fresh, and a remark for each skipped one. */
export function freshEmails(
  cal: Calendar,
  playbook: Playbook,
  emails: readonly Timer[],
): { kept: Timer[]; remarks: string[] } {
  const kept: Timer[] = [];
  const remarks: string[] = [];
  for (const email of emails) {
    // On time (the common case): fresh without a calendar computation.
    const reason =
      email.at === email.plannedAt ? null : staleReason(cal, playbook, email, cal.instant(email.at));
    if (reason) remarks.push(reason);
    else kept.push(email);
  }
  return { kept, remarks };
}
