import { toUtcIso } from "../../calendar/calendar.ts";
import type { QueueEntry, Timer } from "../../schemas/prospect.ts";
import type { Plan, RuleContext } from "../types.ts";

/** Owner id used for the queue of prospects the CRM sent without an owner. */
export const UNASSIGNED = "unassigned";

/**
 * R12: a recycle or callback came due. The prospect enters its owner's call queue with the context
 * to make the next call better, and a new cycle starts: per-cycle counters reset, and every timer of
 * the old cycle (its drip included, G7) is cancelled.
 */
export function enterQueue(ctx: RuleContext, timer: Timer): Plan {
  const cycle = ctx.state.cycle + 1;
  const entry = queueEntry(ctx, timer, timer.kind === "callback" ? "callback" : "recycle", cycle);
  return { rule: "R12", status: "queued", cancel: "all", cycle, queue: entry };
}

/**
 * A call retry of R2 or R8 came due: the rep sees it in the same queue, with the half-day to call in
 * (the other half after a brush-off, the one a voicemail named). It is the same cycle, so counters,
 * status, the drip and the other timers stay; only this timer is done. The second soft no or the
 * seventh unanswered call still counts from the first (R3, R8).
 */
export function callDue(ctx: RuleContext, timer: Timer): Plan {
  const entry = queueEntry(ctx, timer, "retry", ctx.state.cycle);
  return { rule: timer.rule as Plan["rule"], cancel: { ids: [timer.id] }, queue: entry };
}

function queueEntry(ctx: RuleContext, timer: Timer, reason: QueueEntry["reason"], cycle: number): QueueEntry {
  const { state } = ctx;
  return {
    enteredAt: toUtcIso(ctx.now),
    dueAt: timer.at,
    ownerId: state.profile.owner?.id ?? UNASSIGNED,
    reason,
    cycle,
    suggestedHalf: timer.half ?? "morning",
    suggestedWindow: timer.window ?? { start: timer.at, end: timer.at },
    ...(state.lastOutcome ? { lastOutcome: state.lastOutcome } : {}),
    touches: state.counters.touches,
    prompts: timer.prompts ?? [],
    notes: state.notes,
  };
}
