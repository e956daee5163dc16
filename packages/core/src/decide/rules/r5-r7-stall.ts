import { DateTime } from "luxon";
import { toUtcIso } from "../../calendar/calendar.ts";
import { dayOf, dayOfIso } from "../../calendar/days.ts";
import { localIso } from "../../calendar/local-time.ts";
import type { HalfDay } from "../../schemas/prospect.ts";
import { recycleTimer, sequenceTimers } from "../plan.ts";
import type { Plan, RuleContext, RuleId } from "../types.ts";

const DAY_MS = 86_400_000;

interface Stall {
  callbackAt: string;
  callbackReason?: string | undefined;
}

/**
 * R5: "call me back in six months" with a reason: a callback a little before the date asked for
 * (10% of the interval, clamped to 1–14 days, never in the past), a monthly keep-warm email meanwhile
 * when the wait is over 60 days.
 * R6: the same without a reason; the queue entry prompts the rep to ask what will have changed.
 * R7: the 3rd stall in a row also prompts "is there a real possibility?"; the 4th stops active
 * pursuit: a nurture drip and a recycle after 365 days.
 */
export function stalled(ctx: RuleContext, stall: Stall, streak: number): Plan {
  const { callback, stalls } = ctx.playbook.rules;
  if (streak >= stalls.stopAt) {
    return {
      rule: "R7",
      status: "nurturing",
      cancel: "all",
      // The long rest ends this streak: after it, a stall is a first stall again (R5, R12).
      counters: { stallStreak: 0 },
      remarks: [`Stall ${streak} in a row: active pursuit stops.`],
      timers: [
        ...sequenceTimers(ctx, stalls.nurtureSequence, "R7"),
        recycleTimer(ctx, stalls.stopRecycleAfterDays, "R7", ctx.cal.halfOf(ctx.occurredAt)),
      ],
    };
  }

  const { at: callbackAt, half } = parseCallbackAt(ctx, stall.callbackAt);
  const intervalMs = callbackAt.toMillis() - ctx.occurredAt.toMillis();
  const leadDays = Math.min(
    callback.maxLeadDays,
    Math.max(callback.minLeadDays, (intervalMs / DAY_MS) * callback.leadFraction),
  );
  const due = DateTime.fromMillis(callbackAt.toMillis() - Math.round(leadDays * DAY_MS), {
    zone: ctx.cal.tz,
  });
  let slot = ctx.cal.previousCallSlot(due, half);
  if (slot.start < ctx.now) slot = ctx.cal.nextCallSlot(ctx.now, half);

  const prompts: string[] = [];
  if (!stall.callbackReason) prompts.push(ctx.playbook.prompts.askWhatWillChange);
  if (streak >= stalls.askRealPossibilityAt) prompts.push(ctx.playbook.prompts.askRealPossibility);
  const rule: RuleId = streak >= stalls.askRealPossibilityAt ? "R7" : stall.callbackReason ? "R5" : "R6";

  const keepWarm = intervalMs > callback.keepWarmAfterDays * DAY_MS;
  const past = isPast(ctx, stall.callbackAt, callbackAt);
  return {
    rule,
    status: "callback_scheduled",
    cancel: "all",
    counters: { stallStreak: streak },
    notes: stall.callbackReason ? [`Callback reason: ${stall.callbackReason}`] : [],
    ...(past
      ? {
          remarks: [
            `callbackAt ${stall.callbackAt} is in the past: the callback is due at the next slot, ` +
              `${localIso(slot.start.toMillis(), ctx.cal.zone)} (${ctx.cal.zone}) (${rule})`,
          ],
        }
      : {}),
    timers: [
      ...(keepWarm ? sequenceTimers(ctx, callback.keepWarmSequence, rule, ctx.occurredAt, slot.start) : []),
      {
        kind: "callback",
        at: toUtcIso(slot.start),
        rule,
        half,
        window: { start: toUtcIso(slot.start), end: toUtcIso(slot.end) },
        prompts,
        basis: toUtcIso(callbackAt),
      },
    ],
  };
}

/**
 * "In the past" is against now, not the event's occurredAt: a callback that was still ahead when the
 * call ended but has passed by the time the event arrives (a late webhook, an import) cannot be kept
 * either, and occurredAt is never after now. A bare date is past once its whole local day is: a
 * callback asked for "today" is kept today when a slot is left.
 */
function isPast(ctx: RuleContext, value: string, at: DateTime): boolean {
  if (DATE_ONLY.test(value)) return dayOfIso(value) < dayOf(ctx.now);
  return at < ctx.now;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A bare date means that day's morning in the prospect's zone; a date-time keeps its half-day. */
function parseCallbackAt(ctx: RuleContext, value: string): { at: DateTime; half: HalfDay } {
  if (DATE_ONLY.test(value)) {
    return { at: ctx.cal.halfWindowOn(dayOfIso(value), "morning").start, half: "morning" };
  }
  const at = DateTime.fromISO(value, { setZone: true });
  return { at, half: ctx.cal.halfOf(at) };
}
