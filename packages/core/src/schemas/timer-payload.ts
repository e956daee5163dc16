/**
 * What a timer's schedule hands the timer runner (EventBridge Scheduler's `Input`, or the local loop).
 * Only a locator: the runner reloads the prospect and re-checks the timer, because DynamoDB is the
 * truth and a trigger may be late, duplicated or stale. `kind` and `at` are there for logs and triage.
 */
import * as z from "zod";
import { DateTime } from "./event.ts";
import { TimerKind } from "./prospect.ts";

export const TimerPayload = z.object({
  prospectId: z.string().min(1),
  timerId: z.string().min(1),
  kind: TimerKind,
  /** The planned instant, as stored; the schedule may fire a little later (see the Scheduler adapter). */
  at: DateTime,
});
export type TimerPayload = z.infer<typeof TimerPayload>;
