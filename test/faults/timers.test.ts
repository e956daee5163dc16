/**
 * Timer triggers under faults. EventBridge Scheduler failing to create a schedule loses nothing: the
 * ingest succeeds and the daily reconciliation runs the overdue timer from DynamoDB. A poison trigger
 * (a payload that is no timer, an unknown prospect, the wrong kind) is dead-lettered or found stale
 * once, with no retry storm: Scheduler invokes the runner asynchronously, so every throw costs Lambda's
 * retries, and the attempts are counted here as Lambda would make them.
 */
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  SchedulerClient,
  ServiceQuotaExceededException,
  ThrottlingException,
} from "@aws-sdk/client-scheduler";
import { SchedulerTimers } from "@redial/aws";
import { ingest, RedialError, runDueTimer, type WebhookDelivery } from "@redial/core";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { reconcileDueTimers } from "../../packages/functions/src/timers/reconcile.ts";
import { timerHandler } from "../../packages/functions/src/timers/run.ts";
import { awsError, Crash, Faults } from "../support/faults.ts";
import { api, KeptLog, MINUTE, nurturing, sesLocal, world } from "./harness.ts";

const ses = sesLocal();

const fault = (message: string) => ({ message, Message: message, $metadata: {} });

/** Lambda's asynchronous invocation, as Scheduler makes it: a throw is retried twice, then dropped. */
async function invokeAsync<T>(handler: (event: unknown) => Promise<T>, event: unknown) {
  const RETRIES = 2;
  for (let attempts = 1; ; attempts++) {
    try {
      return { attempts, outcome: await handler(event) };
    } catch (error) {
      if (attempts > RETRIES) return { attempts, error };
    }
  }
}

/** A SchedulerTimers whose every create fails with `error` (aws-sdk-client-mock: no emulator exists). */
function failingScheduler(log: KeptLog, error: Error) {
  const client = new SchedulerClient({ region: "us-east-1" });
  const mock = mockClient(client);
  mock.on(CreateScheduleCommand).rejects(error);
  mock.on(DeleteScheduleCommand).resolves({});
  const arn = "arn:aws:service:us-east-1:123456789012";
  const timers = new SchedulerTimers({
    client,
    log,
    groupName: "redial-timers",
    targetArn: `${arn}:runner`,
    roleArn: `${arn}:role`,
    deadLetterArn: `${arn}:dlq`,
  });
  return { timers, creates: () => mock.commandCalls(CreateScheduleCommand).length };
}

describe("EventBridge Scheduler cannot create a schedule", () => {
  const failures = [
    new ThrottlingException(fault("Rate exceeded")),
    new ServiceQuotaExceededException(fault("Schedules limit reached")),
  ];

  it.each(failures)(
    "$name: the webhook is still accepted, and the reconciliation runs each overdue timer once",
    async (failure) => {
      const log = new KeptLog();
      const scheduler = failingScheduler(log, failure);
      const w = await world(ses.url(), { timers: scheduler.timers, log });

      const answer = await api(w.deps)(
        "wh-1",
        w.eventFor("call.rejected", "2026-11-17T14:00:00Z", { reason: "all_set" }),
      );

      expect(answer).toMatchObject({ status: 202, body: { applied: true, decision: { rule: "R2" } } });
      expect(scheduler.creates()).toBe(2);
      expect(log.named("timers.sync_failed")).toHaveLength(1);
      const { prospect } = await w.read();
      const [email, call] = ["email", "call"].map((kind) => prospect.timers.find((t) => t.kind === kind));
      if (!email || !call) throw new Error("R2 plans a note and a call retry");

      w.clock.set(new Date(Date.parse(email.at) + 20 * MINUTE));
      expect(await reconcileDueTimers(w.deps)).toMatchObject({ ran: 1, results: { sent: 1 } });
      w.clock.set(new Date(Date.parse(call.at) + 20 * MINUTE));
      expect(await reconcileDueTimers(w.deps)).toMatchObject({ ran: 1, results: { applied: 1 } });
      expect(await reconcileDueTimers(w.deps)).toMatchObject({ ran: 0 });

      expect(await ses.inbox(w.email)).toHaveLength(1);
      expect((await w.read()).prospect.queue).toMatchObject({ reason: "retry" });
    },
  );

  it("a throttled send deferred with no new schedule is still sent once, by the reconciliation", async () => {
    const log = new KeptLog();
    const scheduler = failingScheduler(log, new ThrottlingException(fault("Rate exceeded")));
    const w = await world(ses.url(), { timers: scheduler.timers, log });
    const timer = await nurturing(w);
    const faults = new Faults([
      {
        point: "ses.SendEmail:before",
        kind: "fail",
        times: 3,
        error: () => awsError("TooManyRequestsException", { status: 429 }),
      },
    ]);
    faults.client(w.ses, "ses");
    const handler = timerHandler(w.deps);
    const syncFailures = log.named("timers.sync_failed").length; // the two ingests' schedules failed too

    expect(await handler({ prospectId: w.id, timerId: timer.id, kind: "email", at: timer.at })).toMatchObject(
      {
        result: "deferred",
      },
    );
    expect(log.named("timers.sync_failed")).toHaveLength(syncFailures + 1);
    const moved = (await w.read()).prospect.timers.find((t) => t.id === timer.id);
    if (!moved) throw new Error("the deferred timer is gone");

    w.clock.set(new Date(Date.parse(moved.at) + 20 * MINUTE));
    expect(await reconcileDueTimers(w.deps)).toMatchObject({ ran: 1, results: { sent: 1 } });
    expect(await ses.inbox(w.email)).toHaveLength(1);
    expect((await w.read()).sends).toEqual(["email.deferred", "email.sent"]);
  });
});

describe("a poison timer trigger", () => {
  const malformed: { name: string; payload: unknown }[] = [
    { name: "not an object", payload: "wake up" },
    { name: "no payload", payload: null },
    { name: "no timer id", payload: { prospectId: "p-1", kind: "email", at: "2026-11-17T14:30:00Z" } },
    {
      name: "an unknown kind",
      payload: { prospectId: "p-1", timerId: "t", kind: "sms", at: "2026-11-17T14:30:00Z" },
    },
  ];

  it.each(malformed)(
    "$name: dead-lettered in one attempt, logged once with the payload",
    async ({ payload }) => {
      const w = await world(ses.url());

      const { attempts, outcome } = await invokeAsync(timerHandler(w.deps), payload);

      expect(attempts).toBe(1);
      expect(outcome).toMatchObject({ result: "dead_lettered" });
      expect(w.log.lines.filter((l) => l.level === "error")).toEqual([
        { level: "error", message: "timer.dead_lettered", fields: expect.objectContaining({ payload }) },
      ]);
    },
  );

  it("an unknown prospect: stale in one attempt, nothing written, nothing sent", async () => {
    const w = await world(ses.url());
    const payload = { prospectId: "nobody", timerId: "t-1", kind: "email", at: "2026-11-17T14:30:00Z" };

    const { attempts, outcome } = await invokeAsync(timerHandler(w.deps), payload);

    expect(attempts).toBe(1);
    expect(outcome).toEqual({ result: "stale" });
    expect(w.log.named("email.stale")).toHaveLength(1);
    expect(await w.store.getProspect("nobody")).toBeNull();
  });

  it("the wrong kind: stale in one attempt; the stored timer stays due and runs once by its own kind", async () => {
    const w = await world(ses.url());
    const timer = await nurturing(w);
    const handler = timerHandler(w.deps);
    const recycle = (await w.read()).prospect.timers.find((t) => t.kind === "recycle");
    if (!recycle) throw new Error("R3 plans a recycle");

    const asCall = await invokeAsync(handler, {
      prospectId: w.id,
      timerId: timer.id,
      kind: "call",
      at: timer.at,
    });
    const asEmail = await invokeAsync(handler, {
      prospectId: w.id,
      timerId: recycle.id,
      kind: "email",
      at: recycle.at,
    });

    expect([asCall, asEmail]).toEqual([
      { attempts: 1, outcome: { result: "stale" } },
      { attempts: 1, outcome: { result: "stale" } },
    ]);
    expect(await ses.inbox(w.email)).toHaveLength(0);
    const { prospect } = await w.read();
    expect(prospect.timers.map((t) => t.id)).toEqual(expect.arrayContaining([timer.id, recycle.id]));
    w.clock.set(new Date(Date.parse(timer.at) + 20 * MINUTE));
    expect(await reconcileDueTimers(w.deps)).toMatchObject({ ran: 1, results: { sent: 1 } });
    expect(await ses.inbox(w.email)).toHaveLength(1);
  });

  it("a failure that may pass (DynamoDB unavailable) is thrown: at most 3 attempts, and the timer is not lost", async () => {
    const w = await world(ses.url());
    const timer = await nurturing(w);
    const faults = new Faults([
      {
        point: "store.loadSend:before",
        kind: "fail",
        times: Number.POSITIVE_INFINITY,
        error: () => new RedialError("unavailable", "DynamoDB is unavailable; retry later"),
      },
    ]);
    const payload = { prospectId: w.id, timerId: timer.id, kind: "email", at: timer.at };

    const { attempts, error } = await invokeAsync(timerHandler(faults.wrap(w.deps)), payload);

    expect(attempts).toBe(3);
    expect(error).toMatchObject({ kind: "unavailable" });
    expect(faults.count("store.loadSend:before")).toBe(3);
    w.clock.set(new Date(Date.parse(timer.at) + 20 * MINUTE));
    expect(await reconcileDueTimers(w.deps)).toMatchObject({ ran: 1, results: { sent: 1 } });
    expect(await ses.inbox(w.email)).toHaveLength(1);
  });
});

describe("a CRM notice (issue 4) whose runner dies after delivering", () => {
  it("is delivered again under the same webhook-id (the receiver dedupes), and recorded once", async () => {
    const got: WebhookDelivery[] = [];
    const w = await world(ses.url());
    w.deps.notifier = { deliver: async (delivery) => void got.push(delivery) };
    const hostile = w.eventFor("call.rejected", "2026-11-17T14:00:00Z", { reason: "hostile" });
    await ingest({ webhookId: "wh-1", event: hostile }, w.deps);
    const recycle = (await w.read()).prospect.timers.find((t) => t.kind === "recycle");
    if (!recycle) throw new Error("R4 plans a recycle");
    w.clock.set(recycle.at);
    expect(
      await runDueTimer({ prospectId: w.id, timerId: recycle.id, kind: "recycle" }, w.deps),
    ).toMatchObject({
      result: "applied",
      decision: { rule: "R12" },
    });
    const notice = (await w.read()).prospect.timers.find((t) => t.kind === "notify");
    if (!notice) throw new Error("R12 with a notifier plans a CRM notice");
    const key = { prospectId: w.id, timerId: notice.id, kind: "notify" as const };
    const faults = new Faults([{ point: "notifier.deliver:after", kind: "crash" }]);

    await expect(faults.run(() => runDueTimer(key, faults.wrap(w.deps)))).rejects.toBeInstanceOf(Crash);
    expect(got).toHaveLength(1);

    expect(await runDueTimer(key, w.deps)).toMatchObject({ result: "delivered" });
    expect(await runDueTimer(key, w.deps)).toEqual({ result: "stale" });
    expect(got.map((d) => d.webhookId)).toEqual([got[0]?.webhookId, got[0]?.webhookId]);
    const { timeline } = await w.read();
    expect(timeline.filter((e) => e.type.startsWith("webhook.")).map((e) => e.type)).toEqual([
      "webhook.delivered",
    ]);
  });
});
