/**
 * runTimer(): a stored timer came due. Reloads the prospect and lets decide() judge it: a timer that
 * is no longer pending is stale and changes nothing. Recycles and callbacks enter the call queue and
 * start a new cycle (R12); call retries enter it in the same cycle (R2, R8). Emails go through send/run-email.ts.
 */
import { decide } from "../decide/decide.ts";
import type { Decision } from "../decide/types.ts";
import { RedialError } from "../errors.ts";
import { planNotice } from "../notify/plan.ts";
import { StoreConflict } from "../ports.ts";
import type { Timer } from "../schemas/prospect.ts";
import type { IngestDeps } from "./ingest.ts";
import { syncTimers, timelineEntry } from "./ingest.ts";

const MAX_ATTEMPTS = 10;

/** The timers this runner decides on: everything that puts a prospect in the call queue. */
export const actsOn = (timer: Pick<Timer, "kind">) =>
  timer.kind === "recycle" || timer.kind === "callback" || timer.kind === "call";

export async function runTimer(
  key: { prospectId: string; timerId: string },
  deps: IngestDeps,
): Promise<Decision | null> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const { prospect } = await deps.store.load({ prospectId: key.prospectId });
    const timer = prospect?.timers.find((t) => t.id === key.timerId);
    if (!prospect || !timer) {
      deps.log.info("timer.stale", key);
      return null;
    }
    if (!actsOn(timer)) return null;
    const now = deps.clock.now();
    const decided = decide(
      prospect,
      { type: "timer.due", occurredAt: timer.at, timerId: timer.id },
      deps.playbook,
      now,
    );
    // R12 with a CRM webhook configured: the notice is stored with the queue entry (issue 4).
    const decision = deps.notifier ? planNotice(decided, now) : decided;
    try {
      await deps.store.commit({
        expectedVersion: prospect.version,
        prospect: decision.next,
        timeline: timelineEntry(decision, { at: now, type: `timer.${timer.kind}` }),
        timersAdded: decision.timersAdded,
        timersRemoved: decision.timersRemoved,
        suppress: decision.suppress,
        now,
        queueEntered: decision.rule === "R12" && decision.applied,
      });
    } catch (error) {
      if (error instanceof StoreConflict) continue;
      throw error;
    }
    await syncTimers(deps, key.prospectId, decision);
    return decision;
  }
  throw new RedialError("conflict", `Timer ${key.timerId} of ${key.prospectId} kept conflicting`);
}
