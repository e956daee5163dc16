/**
 * I6: no two automated emails reached one prospect less than `lateSteps.minGapBusinessDays` apart
 * (G9): each send no earlier than the same local time that many business days after the one before,
 * in the prospect's calendar (its current zone: a gap kept in local time is the same in any zone but
 * across a date line). Late steps (an import, an outage) once went out together, 71 ms apart.
 */
import { prospectCalendar } from "../calendar/prospect-calendar.ts";
import { nextAllowed } from "../decide/guardrails/g9-spacing.ts";
import type { Playbook } from "../schemas/playbook.ts";
import { allSends } from "./sends.ts";
import type { ProspectSnapshot } from "./types.ts";

export function checkMinGap(snapshot: ProspectSnapshot, playbook: Playbook): string[] {
  const { prospect } = snapshot;
  const gap = playbook.lateSteps.minGapBusinessDays;
  if (!prospect || gap === 0) return [];
  const sends = allSends(snapshot);
  if (sends.length < 2) return [];
  const cal = prospectCalendar(prospect.profile, playbook);
  const problems: string[] = [];
  for (let i = 1; i < sends.length; i++) {
    const before = sends[i - 1];
    const send = sends[i];
    if (!before || !send) continue;
    if (Date.parse(send.at) < nextAllowed(cal, Date.parse(before.at), gap))
      problems.push(
        `emails of timers ${before.timerId} (${before.at}) and ${send.timerId} (${send.at}) went out less than ${gap} business day(s) apart (G9)`,
      );
  }
  return problems;
}
