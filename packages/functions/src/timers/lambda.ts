/**
 * The timer runner's Lambda entry: EventBridge Scheduler invokes it with a one-time schedule's
 * payload. A payload that does not parse throws, so Scheduler's retry policy and dead-letter queue
 * take it (no retry storm: the policy bounds the attempts). Everything else is core's runDueTimer,
 * the same function the local timer loop calls.
 */
import { runDueTimer, TimerPayload } from "@redial/core";
import { sendingDeps } from "../aws-deps.ts";

const deps = sendingDeps("redial-timers");

export const handler = async (event: unknown) => {
  const payload = TimerPayload.parse(event);
  const outcome = await runDueTimer(payload, deps);
  deps.log.info("timer.ran", { prospectId: payload.prospectId, timerId: payload.timerId, ...outcome });
  return outcome;
};
