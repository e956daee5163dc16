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
  const { state } = ctx;
  const cycle = state.cycle + 1;
  const entry: QueueEntry = {
    enteredAt: toUtcIso(ctx.now),
    dueAt: timer.at,
    ownerId: state.profile.owner?.id ?? UNASSIGNED,
    reason: timer.kind === "callback" ? "callback" : "recycle",
    cycle,
    suggestedHalf: timer.half ?? "morning",
    suggestedWindow: timer.window ?? { start: timer.at, end: timer.at },
    ...(state.lastOutcome ? { lastOutcome: state.lastOutcome } : {}),
    touches: state.counters.touches,
    prompts: timer.prompts ?? [],
    notes: state.notes,
  };
  return { rule: "R12", status: "queued", cancel: "all", cycle, queue: entry };
}
