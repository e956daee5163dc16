/**
 * I7: no moment-bound email (G8: a `momentBound` sequence, "Just left you a voicemail") went out more
 * than `lateSteps.freshForBusinessDays` business days after the time the playbook planned for it. The
 * planned time is the `plannedAt` the send's timeline entry carries (send/outcome.ts); sends recorded
 * before it existed carry none and are not judged.
 */
import { prospectCalendar } from "../calendar/prospect-calendar.ts";
import { staleReason } from "../decide/guardrails/g8-fresh.ts";
import type { Playbook } from "../schemas/playbook.ts";
import { allSends } from "./sends.ts";
import type { ProspectSnapshot } from "./types.ts";

export function checkFreshness(snapshot: ProspectSnapshot, playbook: Playbook): string[] {
  const { prospect } = snapshot;
  if (!prospect) return [];
  const cal = prospectCalendar(prospect.profile, playbook);
  const problems: string[] = [];
  for (const send of allSends(snapshot)) {
    if (!send.plannedAt) continue;
    const late = staleReason(cal, playbook, { ...send, plannedAt: send.plannedAt }, cal.instant(send.at));
    if (late)
      problems.push(
        `email of timer ${send.timerId} sent ${send.at}: ${late.replace(/skipped \(G8\)$/, "sent all the same (G8)")}`,
      );
  }
  return problems;
}
