import { recycleTimer, suggestedHalf, tierDelay } from "../plan.ts";
import type { Plan, RuleContext } from "../types.ts";

/** R4: a hostile prospect who still fits gets no email, and a fresh call after the tier's delay. */
export function hostile(ctx: RuleContext): Plan {
  return {
    rule: "R4",
    status: "recycling",
    cancel: "all",
    timers: [recycleTimer(ctx, tierDelay(ctx), "R4", suggestedHalf(ctx))],
  };
}
