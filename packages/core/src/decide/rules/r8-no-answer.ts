import { otherHalf } from "../../calendar/calendar.ts";
import { callTimer, recycleTimer, sequenceTimers, suggestedHalf, tierDelay } from "../plan.ts";
import type { Plan, RuleContext } from "../types.ts";

/**
 * R8: nobody answered. With a voicemail: a short email the same business day and the next call two
 * business days later in the same half-day (the one the voicemail promised). Without: the next call on
 * the next business day at the other half. Either way the next attempt is at most two business days
 * away, which keeps at least two attempts a week. After 7 unanswered attempts in the cycle: a nurture
 * drip and a recycle after the tier's delay.
 */
export function noAnswer(ctx: RuleContext, voicemail: boolean, attempts: number): Plan {
  const rules = ctx.playbook.rules.noAnswer;
  if (attempts >= rules.giveUpAfterAttempts) {
    return {
      rule: "R8",
      status: "nurturing",
      cancel: "all",
      counters: { noAnswers: attempts },
      remarks: [`${attempts} unanswered attempts this cycle: nurture, then recycle.`],
      timers: [
        ...sequenceTimers(ctx, rules.nurtureSequence, "R8"),
        recycleTimer(ctx, tierDelay(ctx), "R8", suggestedHalf(ctx)),
      ],
    };
  }
  const half = ctx.cal.halfOf(ctx.occurredAt);
  const timers = voicemail
    ? [
        ...sequenceTimers(ctx, rules.voicemailSequence, "R8"),
        callTimer(
          ctx,
          ctx.cal.businessDayAfter(ctx.occurredAt, rules.voicemailCallAfterBusinessDays),
          half,
          "R8",
        ),
      ]
    : [
        callTimer(
          ctx,
          ctx.cal.businessDayAfter(ctx.occurredAt, rules.callAfterBusinessDays),
          otherHalf(half),
          "R8",
        ),
      ];
  return { rule: "R8", status: "retrying", cancel: "all", counters: { noAnswers: attempts }, timers };
}
