import { recycleTimer, sequenceTimers, suggestedHalf, tierDelay } from "../plan.ts";
import type { Plan, RuleContext } from "../types.ts";

/**
 * R3: a second soft no in the same cycle. Stop calling for now: a nurture drip, and a recycle after the
 * tier's delay (A 120, B 180, C 270 days by default).
 */
export function secondSoftNo(ctx: RuleContext, softNos: number): Plan {
  return {
    rule: "R3",
    status: "nurturing",
    cancel: "all",
    counters: { softNos },
    timers: [
      ...sequenceTimers(ctx, ctx.playbook.rules.softNo.nurtureSequence, "R3"),
      recycleTimer(ctx, tierDelay(ctx), "R3", suggestedHalf(ctx)),
    ],
  };
}
