/**
 * The CRM notice runner (issue 4) over the real DynamoStore on DynamoDB Local: R12 stores the notice
 * with the queue entry only when a notifier is configured, runDueTimer delivers it, a failure is
 * retried on the backoff schedule and dead-lettered after the 6th try (timeline and an error log line
 * with the whole body), a CRM event landing mid-delivery does not lose the outcome, and a trigger for
 * a notice no longer pending does nothing. Only the Notifier is faked.
 */
import {
  type IngestDeps,
  ingest,
  NOTIFY_MAX_ATTEMPTS,
  type Notifier,
  runDueTimer,
  runTimer,
  type SendDeps,
  type Timer,
  type WebhookDelivery,
} from "@redial/core";
import { describe, expect, it } from "vitest";
import { loadPlaybook } from "../../packages/functions/src/playbook.ts";
import { event, softNo } from "../support/core.ts";
import { freshStore } from "../support/dynamo.ts";
import { MovableClock, noTimers, RecordingMailer, silentLog } from "../support/send.ts";

const playbook = loadPlaybook();
const PROSPECT = "p-1";

/** Delivers, or fails while `failing` says so; `during` runs inside a delivery (a race). */
class FakeNotifier implements Notifier {
  readonly got: WebhookDelivery[] = [];
  failing = false;
  during: (() => Promise<void>) | undefined;
  async deliver(delivery: WebhookDelivery): Promise<void> {
    this.got.push(delivery);
    const during = this.during;
    this.during = undefined;
    await during?.();
    if (this.failing) throw new Error("The CRM answered HTTP 500");
  }
}

class RecordingLog {
  readonly lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  info = (message: string, fields?: Record<string, unknown>) =>
    this.lines.push({ level: "info", message, fields });
  warn = (message: string, fields?: Record<string, unknown>) =>
    this.lines.push({ level: "warn", message, fields });
  error = (message: string, fields?: Record<string, unknown>) =>
    this.lines.push({ level: "error", message, fields });
}

/** A hostile no (R4), then its recycle run by the timer runner (R12), with or without a notifier. */
async function queued(options: { notifier?: boolean } = {}) {
  const clock = new MovableClock("2026-11-17T14:30:00Z");
  const { store } = await freshStore({ clock });
  const notifier = new FakeNotifier();
  const log = new RecordingLog();
  // The timer runner's deps; the mailer is never used by a notice.
  const deps: SendDeps = {
    store,
    timers: noTimers,
    clock,
    log,
    playbook,
    mailer: new RecordingMailer(),
    compose: () => {
      throw new Error("no email in these tests");
    },
    ...(options.notifier === false ? {} : { notifier }),
  };
  await ingest(
    { webhookId: "wh-1", event: event("call.rejected", "2026-11-17T14:00:00Z", { reason: "hostile" }) },
    { ...deps, log: silentLog },
  );
  const recycle = (await store.getProspect(PROSPECT))?.prospect.timers.find((t) => t.kind === "recycle");
  if (!recycle) throw new Error("no recycle planned");
  clock.set(recycle.at);
  const decision = await runTimer({ prospectId: PROSPECT, timerId: recycle.id }, deps);
  expect(decision?.rule).toBe("R12");

  const read = async () => {
    const stored = await store.getProspect(PROSPECT);
    if (!stored) throw new Error("the prospect is gone");
    const notices = stored.prospect.timers.filter((t) => t.kind === "notify");
    const webhooks = stored.timeline.filter((e) => e.type.startsWith("webhook."));
    return { ...stored, notices, webhooks };
  };
  /** Runs the pending notice as a trigger would, at its due time. */
  const fireNotice = async (over: Partial<IngestDeps> = {}) => {
    const [timer] = (await read()).notices;
    if (!timer) throw new Error("no notice pending");
    clock.set(timer.at);
    const key = { prospectId: PROSPECT, timerId: timer.id, kind: "notify" as const };
    return { timer, run: await runDueTimer(key, { ...deps, ...over }) };
  };
  return { store, clock, notifier, log, deps, read, fireNotice };
}

describe("the CRM notice runner (issue 4)", () => {
  it("without a notifier, R12 plans no notice", async () => {
    const { read } = await queued({ notifier: false });
    expect((await read()).notices).toEqual([]);
  });

  it("R12 stores the notice with the queue entry; the runner delivers it once and records it", async () => {
    const { read, fireNotice, notifier, log, deps } = await queued();
    const before = await read();
    expect(before.prospect.status).toBe("queued");
    expect(before.notices).toHaveLength(1);

    const { timer, run } = await fireNotice();
    expect(run.result).toBe("delivered");
    expect(notifier.got).toEqual([
      {
        webhookId: timer.notice?.webhookId,
        type: "prospect.recycled",
        timestamp: new Date(before.prospect.queue?.enteredAt ?? ""),
        payload: {
          prospectId: PROSPECT,
          ownerId: "rep-7",
          profile: before.prospect.profile,
          entry: before.prospect.queue,
        },
      },
    ]);
    const after = await read();
    expect(after.notices).toEqual([]);
    expect(after.webhooks.map((e) => e.type)).toEqual(["webhook.delivered"]);
    expect(after.prospect.version).toBe(before.prospect.version + 1);
    expect(log.lines.map((l) => l.message)).toContain("webhook.delivered");

    // A second trigger of the same timer (Scheduler delivers at least once) finds nothing to do.
    const again = await runDueTimer({ prospectId: PROSPECT, timerId: timer.id, kind: "notify" }, deps);
    expect(again).toEqual({ result: "stale" });
    expect(notifier.got).toHaveLength(1);
  });

  it("a failing receiver: retried with backoff, dead-lettered after the 6th try with the whole body logged", async () => {
    const { read, fireNotice, notifier, log } = await queued();
    notifier.failing = true;
    const runs: string[] = [];
    let last: Timer | undefined;
    for (let attempt = 1; attempt <= NOTIFY_MAX_ATTEMPTS; attempt++) {
      const { timer, run } = await fireNotice();
      expect(timer.notice?.attempt).toBe(attempt);
      runs.push(run.result);
      last = timer;
    }
    expect(runs).toEqual([...Array(5).fill("failed"), "dead_lettered"]);
    expect(notifier.got).toHaveLength(6);
    expect(new Set(notifier.got.map((d) => d.webhookId)).size).toBe(1);

    const after = await read();
    expect(after.notices).toEqual([]);
    expect(after.webhooks.map((e) => e.type)).toEqual([
      ...Array(5).fill("webhook.failed"),
      "webhook.dead_lettered",
    ]);
    const dead = log.lines.find((l) => l.message === "webhook.dead_lettered");
    expect(dead?.level).toBe("error");
    expect(dead?.fields).toMatchObject({
      prospectId: PROSPECT,
      webhookId: last?.notice?.webhookId,
      attempt: 6,
      body: { type: "prospect.recycled", data: { prospectId: PROSPECT } },
    });
    expect(log.lines.filter((l) => l.message === "webhook.failed")).toHaveLength(5);
  });

  it("a CRM event landing mid-delivery: both are kept (the event's decision and the delivery)", async () => {
    const { read, fireNotice, notifier, deps, clock } = await queued();
    notifier.during = async () => {
      await ingest(
        { webhookId: "wh-2", event: softNo(clock.now().toISOString()) },
        { ...deps, notifier: undefined },
      );
    };
    const { run } = await fireNotice();
    expect(run.result).toBe("delivered");
    const after = await read();
    expect(after.prospect.status).toBe("retrying"); // R2, the rep's outcome
    expect(after.notices).toEqual([]);
    expect(after.webhooks.map((e) => e.type)).toEqual(["webhook.delivered"]);
    expect(after.timeline.map((e) => e.rule)).toContain("R2");
  });

  it("the webhook configuration gone since R12: a failure like any other, retried, never lost", async () => {
    const { read, fireNotice } = await queued();
    const { run } = await fireNotice({ notifier: undefined });
    expect(run).toMatchObject({ result: "failed" });
    const after = await read();
    expect(after.notices).toHaveLength(1);
    expect(after.webhooks[0]?.reason).toContain("REDIAL_CRM_WEBHOOK_URL");
  });
});
