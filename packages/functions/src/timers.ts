/**
 * A Timers port that only logs what it would schedule. The EventBridge Scheduler adapter (packages/aws)
 * is a later issue. Nothing is lost meanwhile: DynamoDB holds every pending timer (ARCHITECTURE.md) and
 * its due index lets a reconciliation find them later; until then nothing wakes due timers in AWS.
 */
import type { Log, Timers } from "@redial/core";

export const loggingTimers = (log: Log): Timers => ({
  async schedule(prospectId, timers) {
    log.info("timers.schedule", {
      prospectId,
      timers: timers.map((t) => ({ id: t.id, kind: t.kind, at: t.at })),
    });
  },
  async cancel(prospectId, timers) {
    log.info("timers.cancel", { prospectId, timerIds: timers.map((t) => t.id) });
  },
});
