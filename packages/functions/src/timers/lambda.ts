/**
 * The timer runner's Lambda entry: EventBridge Scheduler invokes it with a one-time schedule's payload
 * (asynchronously: a throw is retried by Lambda). What it does with one trigger is run.ts: core's
 * runDueTimer, the same function the local timer loop calls, and a poison payload dead-lettered once.
 */
import { sendingDeps } from "../aws-deps.ts";
import { timerHandler } from "./run.ts";

export const handler = timerHandler(sendingDeps("timers"));
