/**
 * The Timers port over EventBridge Scheduler: one one-time schedule per stored timer, which only wakes
 * the timer runner. DynamoDB stays the truth (ARCHITECTURE.md): the runner reloads the prospect and
 * ignores a stale trigger, so a failed create is reported to core (syncTimers logs it and the
 * reconciliation finds the timer) and a failed delete is merely logged.
 */
import { createHash } from "node:crypto";
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  type SchedulerClient,
} from "@aws-sdk/client-scheduler";
import type { Clock, Log, Timer, TimerPayload, Timers } from "@redial/core";

export interface SchedulerTimersOptions {
  client: SchedulerClient;
  groupName: string;
  /** The timer-runner Lambda. */
  targetArn: string;
  /** The role Scheduler assumes to invoke the target and to write to the dead-letter queue. */
  roleArn: string;
  /** SQS queue that receives a trigger Scheduler could not deliver after its retries. */
  deadLetterArn: string;
  log: Log;
  /** 0–185 (Scheduler's bounds); default 5. */
  maxRetryAttempts?: number;
  /** 60–86,400 (Scheduler's bounds); default 3,600. */
  maxEventAgeSeconds?: number;
  /** Real time, to move a past `at` into the future; defaults to the system clock. */
  clock?: Clock;
}

const MINUTE_MS = 60_000;
const systemClock: Clock = { now: () => new Date() };

const digest = (text: string) => createHash("sha256").update(text).digest("base64url");

/**
 * The schedule's name: `t-` and the base64url SHA-256 of prospect and timer id (45 characters). Hashed
 * because names are limited to 64 characters of [0-9a-zA-Z-_.] and appear in ARNs, consoles and
 * CloudTrail, where a CRM id (sometimes an email) must not. Deterministic, so cancel needs no lookup
 * and a repeated create collides with the first instead of doubling the trigger.
 */
export const scheduleName = (prospectId: string, timerId: string) =>
  `t-${digest(`${prospectId}\n${timerId}`)}`;

/**
 * When to fire, to the minute. Scheduler rejects an `at()` in the past, so a timer already due (a
 * late create, a retry) fires a minute from now. It fires with 60-second precision (at 09:00 means
 * 09:00:00–09:00:59), so the instant is rounded up to the minute: a trigger is never early.
 */
function fireAt(at: string, now: Date): Date {
  const ms = Math.max(Date.parse(at), now.getTime() + MINUTE_MS);
  return new Date(Math.ceil(ms / MINUTE_MS) * MINUTE_MS);
}

const isNamed = (error: unknown, name: string) => error instanceof Error && error.name === name;

function checkRange(name: string, value: number, min: number, max: number) {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in ${min}–${max}, got ${value}`);
  }
}

export class SchedulerTimers implements Timers {
  readonly #options: SchedulerTimersOptions;
  readonly #retryPolicy: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number };
  readonly #clock: Clock;

  constructor(options: SchedulerTimersOptions) {
    const { maxRetryAttempts = 5, maxEventAgeSeconds = 3600 } = options;
    // Fail at cold start rather than on every create.
    checkRange("maxRetryAttempts", maxRetryAttempts, 0, 185);
    checkRange("maxEventAgeSeconds", maxEventAgeSeconds, 60, 86_400);
    this.#options = options;
    this.#retryPolicy = {
      MaximumRetryAttempts: maxRetryAttempts,
      MaximumEventAgeInSeconds: maxEventAgeSeconds,
    };
    this.#clock = options.clock ?? systemClock;
  }

  /** Creates every schedule, even when one fails; then throws the failure(s) for core to log. */
  async schedule(prospectId: string, timers: readonly Timer[]): Promise<void> {
    const now = this.#clock.now();
    const results = await Promise.allSettled(
      timers.map((timer) =>
        this.#options.client.send(new CreateScheduleCommand(this.#input(prospectId, timer, now))),
      ),
    );
    // ConflictException: the schedule exists, from an earlier attempt of this same create.
    const failures = results.flatMap((r) =>
      r.status === "rejected" && !isNamed(r.reason, "ConflictException") ? [r.reason as unknown] : [],
    );
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) {
      const first = failures[0] instanceof Error ? failures[0].message : String(failures[0]);
      throw new AggregateError(failures, `${failures.length} of ${timers.length} schedules failed: ${first}`);
    }
  }

  /** Best effort, never throws: a schedule left behind only wakes the runner, which finds it stale. */
  async cancel(prospectId: string, timers: readonly Timer[]): Promise<void> {
    const { client, groupName, log } = this.#options;
    await Promise.all(
      timers.map(async (timer) => {
        const name = scheduleName(prospectId, timer.id);
        try {
          await client.send(new DeleteScheduleCommand({ Name: name, GroupName: groupName }));
        } catch (error) {
          // Not found: it already fired and deleted itself (ActionAfterCompletion DELETE), or never existed.
          if (isNamed(error, "ResourceNotFoundException")) return;
          log.warn("timers.cancel_failed", {
            prospectId,
            timerId: timer.id,
            schedule: name,
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          });
        }
      }),
    );
  }

  #input(prospectId: string, timer: Timer, now: Date): CreateScheduleCommandInput {
    const { groupName, targetArn, roleArn, deadLetterArn } = this.#options;
    const name = scheduleName(prospectId, timer.id);
    const at = fireAt(timer.at, now).toISOString().slice(0, 19); // yyyy-mm-ddThh:mm:ss, UTC
    const payload: TimerPayload = { prospectId, timerId: timer.id, kind: timer.kind, at: timer.at };
    return {
      Name: name,
      GroupName: groupName,
      ScheduleExpression: `at(${at})`,
      ScheduleExpressionTimezone: "UTC",
      FlexibleTimeWindow: { Mode: "OFF" },
      ActionAfterCompletion: "DELETE",
      Target: {
        Arn: targetArn,
        RoleArn: roleArn,
        Input: JSON.stringify(payload),
        RetryPolicy: { ...this.#retryPolicy },
        DeadLetterConfig: { Arn: deadLetterArn },
      },
      // The same create (same schedule, same firing time) carries the same token, so a retried request
      // is recognised as one; a past timer re-planned later is a different request with its own token.
      ClientToken: digest(`${name}\n${at}`),
    };
  }
}
