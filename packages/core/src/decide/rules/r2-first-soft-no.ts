import { otherHalf } from "../../calendar/calendar.ts";
import { callTimer, sequenceTimers } from "../plan.ts";
import type { Plan, RuleContext } from "../types.ts";

/**
 * R2: the first soft no of a cycle. A short note the next business morning, and a call retry 2–3
 * business days later at the other half of the day. Of the allowed days, the first on a preferred day
 * (Tue–Thu by default) wins, the days prospects pick up most; otherwise the earliest.
 */
export function firstSoftNo(ctx: RuleContext, softNos: number): Plan {
  const { noteSequence, retryAfterBusinessDays } = ctx.playbook.rules.softNo;
  const [min, max] = retryAfterBusinessDays;
  const candidates = Array.from({ length: max - min + 1 }, (_, i) =>
    ctx.cal.businessDayAfter(ctx.occurredAt, min + i),
  );
  const preferred = ctx.playbook.preferredWindow.days;
  const day = candidates.find((d) => preferred.includes(d.weekday)) ?? candidates[0] ?? ctx.occurredAt;
  const half = otherHalf(ctx.cal.halfOf(ctx.occurredAt));
  return {
    rule: "R2",
    status: "retrying",
    cancel: "all",
    counters: { softNos },
    timers: [...sequenceTimers(ctx, noteSequence, "R2"), callTimer(ctx, day, half, "R2")],
  };
}
