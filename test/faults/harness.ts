/**
 * What every fault scenario stands on: the real DynamoStore on its own table in DynamoDB Local, the
 * real SesMailer on the SES v2 local server (one per file, `GET /store` counts what went out), the
 * default playbook and templates, a business clock the test moves, and a log that is kept. When a
 * scenario ends, the invariant checker (support/check.ts) reads its whole table: no violation allowed.
 */
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient, createSesClient, DynamoStore, ensureTable, SesMailer } from "@redial/aws";
import {
  composer,
  type InboundEvent,
  type IngestDeps,
  ingest,
  type Log,
  type Prospect,
  type SendDeps,
  type TimelineEntry,
  type Timer,
  type Timers,
} from "@redial/core";
import { createApp, webhookHeaders } from "@redial/functions";
import { type SesLocal, startSesLocal } from "@redial/local";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import { afterAll, beforeAll, expect, inject, onTestFinished } from "vitest";
import { clientConfig } from "../../packages/aws/src/endpoint.ts";
import { loadPlaybook } from "../../packages/functions/src/playbook.ts";
import { loadTemplates } from "../../packages/functions/src/templates.ts";
import { expectNoViolations } from "../support/check.ts";
import { event } from "../support/core.ts";
import { MovableClock, noTimers } from "../support/send.ts";

export const playbook = loadPlaybook();
const templates = loadTemplates();
const compose = composer(templates, {
  publicUrl: "http://localhost:3000",
  postalAddress: "Acme, 1 Main St",
  unsubscribeKey: "test-unsubscribe-key-123",
});

/** Tuesday 2026-11-17, 09:30 in New York: inside the send window. */
export const START = "2026-11-17T14:30:00Z";
export const MINUTE = 60_000;

export interface LogLine {
  level: "info" | "warn" | "error";
  message: string;
  fields?: Record<string, unknown>;
}

export class KeptLog implements Log {
  readonly lines: LogLine[] = [];
  info = (message: string, fields?: Record<string, unknown>) =>
    this.lines.push({ level: "info", message, fields });
  warn = (message: string, fields?: Record<string, unknown>) =>
    this.lines.push({ level: "warn", message, fields });
  error = (message: string, fields?: Record<string, unknown>) =>
    this.lines.push({ level: "error", message, fields });
  named = (message: string) => this.lines.filter((line) => line.message === message);
}

interface InboxEmail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
}

/** One SES v2 local server for the file; each scenario's prospect has its own address. */
export function sesLocal() {
  let ses: SesLocal | undefined;
  beforeAll(async () => {
    ses = await startSesLocal({ port: 0 });
  });
  afterAll(() => ses?.stop());
  const url = () => {
    if (!ses) throw new Error("the SES local server is not up");
    return ses.url;
  };
  return {
    url,
    /** Emails SES accepted for `to`, oldest first. */
    async inbox(to: string): Promise<InboxEmail[]> {
      const { emails } = (await (await fetch(`${url()}/store`)).json()) as { emails: InboxEmail[] };
      return emails.filter((email) => email.destination.to.includes(to));
    },
  };
}

let scenarios = 0;

export interface World {
  client: DynamoDBDocumentClient;
  tableName: string;
  store: DynamoStore;
  clock: MovableClock;
  log: KeptLog;
  /** The SES client behind `deps.mailer`, for SDK-level faults. */
  ses: ReturnType<typeof createSesClient>;
  deps: SendDeps;
  /** This scenario's prospect: its own id and address, so the shared inbox tells scenarios apart. */
  id: string;
  email: string;
  /** A CRM event for this scenario's prospect (support/core.ts's Dana in New York, owned by rep-7). */
  eventFor(type: InboundEvent["type"], occurredAt: string, extra?: Record<string, unknown>): InboundEvent;
  /** The prospect as stored, its timeline, and its email.* entries' types. */
  read(): Promise<{ prospect: Prospect; timeline: TimelineEntry[]; sends: string[] }>;
}

export async function world(
  sesUrl: string,
  options: { timers?: Timers; log?: KeptLog } = {},
): Promise<World> {
  const clock = new MovableClock(START);
  const { client, tableName, store } = await quickRetryStore(clock);
  // Whatever the scenario asserts, the whole table must keep every invariant (I1–I7) when it ends.
  onTestFinished(async () => {
    await expectNoViolations(tableName, playbook);
  });
  const log = options.log ?? new KeptLog();
  const ses = createSesClient({ endpoint: sesUrl, retryBaseDelayMs: 20 });
  const n = ++scenarios;
  const id = `fault-${process.pid}-${n}`;
  const email = `dana+${process.pid}.${n}@northwind.example`;
  const deps: SendDeps = {
    store,
    timers: options.timers ?? noTimers,
    clock,
    log,
    playbook,
    mailer: new SesMailer({ client: ses, fromDomain: "acme.example" }),
    compose,
  };
  return {
    client,
    tableName,
    store,
    clock,
    log,
    ses,
    deps,
    id,
    email,
    eventFor: (type, occurredAt, extra = {}) => event(type, occurredAt, extra, { id, email }),
    async read() {
      const stored = await store.getProspect(id);
      if (!stored) throw new Error(`prospect ${id} is not stored`);
      const sends = stored.timeline.filter((e) => e.type.startsWith("email.")).map((e) => e.type);
      return { ...stored, sends };
    },
  };
}

/**
 * support/dynamo.ts's freshStore, but the client waits 5 ms between the SDK's tries instead of up to
 * seconds. The strategy is the SDK's own (what it retries, the attempts of the production client), so
 * throttling scenarios run the real retry path and exhaust it in milliseconds.
 */
async function quickRetryStore(clock: MovableClock) {
  const endpoint = inject("dynamoEndpoint");
  const maxAttempts = await createDocumentClient({ endpoint }).config.maxAttempts();
  const retryStrategy = new ConfiguredRetryStrategy(maxAttempts, 5);
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...clientConfig({ endpoint }), retryStrategy }),
    {
      marshallOptions: { removeUndefinedValues: true },
    },
  );
  const tableName = `redial-faults-${randomUUID()}`;
  await ensureTable(client, tableName);
  return { client, tableName, store: new DynamoStore({ client, tableName, clock }) };
}

/** Two soft noes (R2, then R3: the nurture drip and a recycle); the clock stands at the first email. */
export async function nurturing(w: World): Promise<Timer> {
  const deps: IngestDeps = w.deps;
  for (const [i, at] of ["2026-11-16T15:00:00Z", "2026-11-17T14:20:00Z"].entries()) {
    const soft = w.eventFor("call.rejected", at, { reason: "all_set" });
    await ingest({ webhookId: `${w.id}-wh-${i + 1}`, event: soft }, deps);
  }
  const { prospect } = await w.read();
  const first = prospect.timers.find((t) => t.kind === "email");
  expect(first).toMatchObject({ sequence: "nurture", step: 1 });
  if (!first) throw new Error("no email timer");
  w.clock.set(first.at);
  return first;
}

/** Timers that remember what they were asked to schedule and cancel (the Scheduler's side of a decision). */
export class RecordingTimers implements Timers {
  readonly scheduled: Timer[] = [];
  readonly cancelled: Timer[] = [];
  async schedule(_prospectId: string, timers: readonly Timer[]) {
    this.scheduled.push(...timers);
  }
  async cancel(_prospectId: string, timers: readonly Timer[]) {
    this.cancelled.push(...timers);
  }
}

export const SECRET = `whsec_${Buffer.from("redial fault tests, 32 bytes ok").toString("base64")}`;

/** The real API app over `deps` (wrapped or not), and a signed POST /v1/events for it. */
export function api(deps: IngestDeps) {
  const app = createApp({
    ...deps,
    wallClock: { now: () => new Date() },
    config: { webhookSecrets: [SECRET], apiToken: "fault-tests-api-token-0123" },
  });
  return async (webhookId: string, event: InboundEvent) => {
    const body = JSON.stringify(event);
    const response = await app.request("/v1/events", {
      method: "POST",
      body,
      headers: webhookHeaders({ id: webhookId, body, secret: SECRET }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
}
