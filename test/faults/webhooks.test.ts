/**
 * CRM webhooks under faults, through the real API app and ingest() on DynamoDB Local: duplicates and
 * concurrent deliveries take effect once and answer the same; a crash anywhere in the ingest
 * transaction, then the CRM's redelivery, loses no prospect and no timer (the daily reconciliation
 * runs what the Scheduler never got); DynamoDB throttling and conflicts go through the SDK's and
 * ingest's own retries; an older event arriving after a newer one moves nothing back (G6).
 */
import { type IngestResult, ingest } from "@redial/core";
import { describe, expect, it } from "vitest";
import { reconcileDueTimers } from "../../packages/functions/src/timers/reconcile.ts";
import { awsError, Crash, Faults, randomFaults } from "../support/faults.ts";
import { api, MINUTE, RecordingTimers, sesLocal, type World, world } from "./harness.ts";

const ses = sesLocal();

const softNo = (w: World, at = "2026-11-17T14:00:00Z") =>
  w.eventFor("call.rejected", at, { reason: "all_set" });
const noAnswer = (w: World) => w.eventFor("call.no_answer", "2026-11-17T14:00:00Z", { voicemail: false });
const withoutFlag = ({ duplicate: _, ...rest }: Record<string, unknown>) => rest;

describe("duplicate and concurrent webhooks", () => {
  it("the same delivery 20 times at once: one effect, one 202, nineteen 200s with the same answer", async () => {
    const w = await world(ses.url());
    const faults = new Faults(randomFaults(3, 0.5, { kinds: ["delay"], ms: 20, points: ["store.*"] }));
    const post = api(faults.wrap(w.deps));
    const event = softNo(w);

    const answers = await Promise.all(Array.from({ length: 20 }, () => post("wh-same", event)));

    expect(answers.map((a) => a.status).sort()).toEqual([...Array(19).fill(200), 202]);
    for (const answer of answers)
      expect(withoutFlag(answer.body)).toEqual(withoutFlag(answers[0]?.body ?? {}));
    const { prospect, timeline } = await w.read();
    expect(prospect.version).toBe(1);
    expect(timeline).toHaveLength(1);
    expect(prospect.timers.map((t) => t.kind).sort()).toEqual(["call", "email"]); // R2, planned once
  });

  it("20 different events for one prospect at once: each applied once, in versions 1..20; redelivered, the same answers", async () => {
    const w = await world(ses.url());
    const post = api(w.deps);
    const ids = Array.from({ length: 20 }, (_, i) => `wh-${i}`);

    const first = await Promise.all(ids.map((id) => post(id, noAnswer(w))));
    const again = await Promise.all(ids.map((id) => post(id, noAnswer(w))));

    expect(first.every((a) => a.status === 202)).toBe(true);
    expect(again.every((a) => a.status === 200 && a.body.duplicate === true)).toBe(true);
    for (const [i, answer] of again.entries())
      expect(withoutFlag(answer.body)).toEqual(withoutFlag(first[i]?.body ?? {}));
    const { prospect, timeline } = await w.read();
    expect(prospect.version).toBe(20);
    expect(prospect.counters.touches).toBe(20);
    expect(timeline.map((e) => e.version)).toEqual(ids.map((_, i) => i + 1));
    expect(new Set(timeline.map((e) => e.webhookId))).toEqual(new Set(ids));
  });
});

describe("a crash in the ingest transaction, then the CRM's redelivery", () => {
  const cases: { point: string; committed: boolean }[] = [
    { point: "store.load:before", committed: false },
    { point: "store.load:after", committed: false },
    { point: "store.commit:before", committed: false },
    { point: "dynamodb.TransactWriteItems:before", committed: false },
    { point: "dynamodb.TransactWriteItems:after", committed: true },
    { point: "store.commit:after", committed: true },
    { point: "timers.schedule:before", committed: true },
    { point: "timers.schedule:after", committed: true },
  ];

  it.each(cases)("$point: one effect, the redelivery answers it, every timer runs", async (c) => {
    const timers = new RecordingTimers();
    const w = await world(ses.url(), { timers });
    const faults = new Faults([{ point: c.point, kind: "crash" }]);
    const detach = faults.client(w.client, "dynamodb");
    const event = softNo(w);

    await expect(
      faults.run(() => ingest({ webhookId: "wh-1", event }, faults.wrap(w.deps))),
    ).rejects.toBeInstanceOf(Crash);
    detach();

    const redelivered = await ingest({ webhookId: "wh-1", event }, w.deps);
    expect(redelivered).toMatchObject({ duplicate: c.committed, applied: true, decision: { rule: "R2" } });
    const { prospect, timeline } = await w.read();
    expect(prospect.version).toBe(1);
    expect(timeline).toHaveLength(1);
    const [email, call] = ["email", "call"].map((kind) => prospect.timers.find((t) => t.kind === kind));
    if (!email || !call) throw new Error("R2 plans a note and a call retry");
    // A decision committed but never handed to the Scheduler: only DynamoDB knows its timers.
    const handed = !c.committed || c.point === "timers.schedule:after";
    expect(timers.scheduled).toHaveLength(handed ? 2 : 0);
    const due = await w.store.listDueTimers(new Date("2030-01-01T00:00:00Z"), 10);
    expect(due.map((d) => d.timer.id).sort()).toEqual([email.id, call.id].sort());

    // The daily reconciliation runs each one when it is overdue: the note goes out once, the call is queued.
    w.clock.set(new Date(Date.parse(email.at) + 20 * MINUTE));
    expect(await reconcileDueTimers(w.deps)).toMatchObject({ ran: 1, results: { sent: 1 } });
    w.clock.set(new Date(Date.parse(call.at) + 20 * MINUTE));
    expect(await reconcileDueTimers(w.deps)).toMatchObject({ ran: 1, results: { applied: 1 } });
    expect(await ses.inbox(w.email)).toHaveLength(1);
    expect((await w.read()).prospect.queue).toBeDefined();
  });
});

describe("DynamoDB throttles or conflicts under ingest", () => {
  it("throttled reads and writes are retried by the SDK: one 202, one effect", async () => {
    const w = await world(ses.url());
    const faults = new Faults([
      {
        point: "dynamodb.BatchGetItem:before",
        kind: "fail",
        times: 1,
        error: () => awsError("ThrottlingException"),
      },
      {
        point: "dynamodb.TransactWriteItems:before",
        kind: "fail",
        times: 2,
        error: () => awsError("ProvisionedThroughputExceededException"),
      },
    ]);
    faults.client(w.client, "dynamodb");

    const answer = await api(w.deps)("wh-1", softNo(w));

    expect(answer.status).toBe(202);
    expect(faults.count("dynamodb.BatchGetItem:before")).toBe(2);
    expect(faults.count("dynamodb.TransactWriteItems:before")).toBe(3);
    expect((await w.read()).timeline).toHaveLength(1);
  });

  it("throttled past the SDK's tries: 503 problem+json, nothing written; the redelivery applies it once", async () => {
    const w = await world(ses.url());
    const throttled = () => awsError("ProvisionedThroughputExceededException");
    const faults = new Faults([
      { point: "dynamodb.TransactWriteItems:before", kind: "fail", times: 4, error: throttled },
    ]);
    faults.client(w.client, "dynamodb");
    const post = api(w.deps);

    const refused = await post("wh-1", softNo(w));
    expect(refused).toMatchObject({ status: 503, body: { type: "urn:redial:problem:unavailable" } });
    expect(await w.store.getProspect(w.id)).toBeNull();

    const redelivered = await post("wh-1", softNo(w));
    expect(redelivered).toMatchObject({ status: 202, body: { duplicate: false, applied: true } });
    expect((await w.read()).timeline).toHaveLength(1);
  });

  it("a lost answer to the committed transaction: the SDK's retry carries the same token, one effect, one 202", async () => {
    const w = await world(ses.url());
    const reset = () => awsError("Error", { message: "socket hang up", code: "ECONNRESET" });
    const faults = new Faults([{ point: "dynamodb.TransactWriteItems:after", kind: "fail", error: reset }]);
    faults.client(w.client, "dynamodb");

    const answer = await api(w.deps)("wh-1", softNo(w));

    expect(faults.count("dynamodb.TransactWriteItems:before")).toBe(2);
    expect(answer.status).toBeLessThan(300);
    expect(answer.body).toMatchObject({ applied: true, decision: { rule: "R2" } });
    const { prospect, timeline } = await w.read();
    expect(prospect.version).toBe(1);
    expect(timeline).toHaveLength(1);
  });

  it("a transaction cancelled on the version guard re-reads and decides again: one effect", async () => {
    const w = await world(ses.url());
    const cancelled = () =>
      Object.assign(awsError("TransactionCanceledException"), {
        CancellationReasons: [{ Code: "ConditionalCheckFailed" }, { Code: "None" }],
      });
    const faults = new Faults([
      { point: "dynamodb.TransactWriteItems:before", kind: "fail", error: cancelled },
    ]);
    faults.client(w.client, "dynamodb");
    const wrapped = faults.wrap(w.deps);

    const result: IngestResult = await ingest({ webhookId: "wh-1", event: softNo(w) }, wrapped);

    expect(result).toMatchObject({ duplicate: false, applied: true });
    expect(faults.count("store.load:before")).toBe(2);
    expect((await w.read()).timeline).toHaveLength(1);
  });
});

describe("events out of order (G6)", () => {
  it("an older soft no after a newer reply is recorded, not applied: no drip, no email", async () => {
    const w = await world(ses.url());
    const post = api(w.deps);
    await post("wh-new", w.eventFor("prospect.replied", "2026-11-17T14:10:00Z"));

    const late = await post("wh-old", softNo(w, "2026-11-17T14:00:00Z"));

    expect(late).toMatchObject({ status: 202, body: { applied: false, state: "engaged" } });
    const { prospect, timeline } = await w.read();
    expect(prospect.status).toBe("engaged");
    expect(prospect.timers).toEqual([]);
    expect(timeline.map((e) => e.applied)).toEqual([true, false]);
  });

  it("an older soft no after a newer opt-out never resurrects the prospect (R0)", async () => {
    const w = await world(ses.url());
    const post = api(w.deps);
    await post("wh-new", w.eventFor("prospect.opted_out", "2026-11-17T14:10:00Z"));

    const late = await post("wh-old", softNo(w, "2026-11-17T14:00:00Z"));

    expect(late.body).toMatchObject({ applied: false, state: "opted_out" });
    expect((await w.read()).prospect).toMatchObject({ status: "opted_out", timers: [] });
  });

  it("an older event while the newer one is being written: whichever lands first, the newer decides the end state", async () => {
    const w = await world(ses.url());
    const faults = new Faults([{ point: "store.commit:before", kind: "delay", ms: 200 }]);
    const newer = ingest(
      { webhookId: "wh-new", event: w.eventFor("prospect.opted_out", "2026-11-17T14:10:00Z") },
      faults.wrap(w.deps),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await ingest({ webhookId: "wh-old", event: softNo(w, "2026-11-17T14:00:00Z") }, w.deps);
    await newer;

    const { prospect, timeline } = await w.read();
    expect(prospect).toMatchObject({ status: "opted_out", timers: [] });
    expect(timeline).toHaveLength(2);
    expect(await ses.inbox(w.email)).toHaveLength(0);
  });
});
