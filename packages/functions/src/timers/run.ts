/**
 * What the timer runner does with one trigger, apart from how it is wired (lambda.ts). EventBridge
 * Scheduler invokes the runner asynchronously, so a throw makes Lambda run the same trigger again (twice
 * by default) and then drop it: right for a failure that may pass (DynamoDB throttled), wasted on a
 * payload that can never parse. Such a poison payload is dead-lettered once, in the error log with the
 * whole payload, and not thrown. A trigger for a timer that is gone or not of its kind is stale; the
 * stored timer, if any, stays due and the daily reconciliation runs it (reconcile.ts).
 */
import { type DueResult, runDueTimer, type SendDeps, TimerPayload } from "@redial/core";

export type TimerRun = DueResult | { result: "dead_lettered"; detail: string };

export const timerHandler =
  (deps: SendDeps) =>
  async (event: unknown): Promise<TimerRun> => {
    const parsed = TimerPayload.safeParse(event);
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((i) => `${i.path.join(".") || "payload"}: ${i.message}`)
        .join("; ");
      deps.log.error("timer.dead_lettered", { reason: `not a timer payload (${detail})`, payload: event });
      return { result: "dead_lettered", detail };
    }
    const payload = parsed.data;
    const outcome = await runDueTimer(payload, deps);
    deps.log.info("timer.ran", { prospectId: payload.prospectId, timerId: payload.timerId, ...outcome });
    return outcome;
  };
