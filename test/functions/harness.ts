/**
 * The real API app over a real DynamoStore (DynamoDB Local), with a business clock the test sets
 * and the machine's wall clock for signatures, exactly as the local runtime wires them.
 */
import { countRequests } from "@redial/aws";
import type { Clock, IngestResult } from "@redial/core";
import { createApp, createLog, loadPlaybook, signWebhook } from "@redial/functions";
import { loggingTimers } from "../../packages/functions/src/timers.ts";
import { freshStore } from "../support/dynamo.ts";

export const SECRET = `whsec_${Buffer.from("redial test secret, 32 bytes ok").toString("base64")}`;
export const OTHER_SECRET = `whsec_${Buffer.from("a different secret, also secret").toString("base64")}`;
export const TOKEN = "test-api-token-0123456789";

const playbook = loadPlaybook();

export async function harness() {
  let now = new Date("2026-11-16T12:00:00Z");
  const clock: Clock = { now: () => now };
  const logs: Array<Record<string, unknown>> = [];
  const log = createLog({ test: true }, (line) => logs.push(JSON.parse(line)));
  const { client, store } = await freshStore({ clock });
  const requests = countRequests(client);
  const deps = { store, timers: loggingTimers(log), clock, log, playbook };
  const app = createApp({
    ...deps,
    wallClock: { now: () => new Date() },
    config: { webhookSecrets: [SECRET], apiToken: TOKEN },
  });

  /** POSTs `body` to /v1/events, signed now (wall clock) unless the options say otherwise. */
  const post = (body: string, options: Signing & { headers?: Record<string, string> } = {}) =>
    app.request("/v1/events", {
      method: "POST",
      body,
      headers: { "content-type": "application/json", ...signedHeaders(body, options), ...options.headers },
    });

  return {
    app,
    store,
    /** Every DynamoDB request the app made, by command: "nothing written" is checked here. */
    requests,
    writes: () =>
      ["TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"].reduce(
        (sum, name) => sum + (requests.counts[name] ?? 0),
        0,
      ),
    /** What use-cases need, for arranging state the HTTP API cannot reach (a timer firing). */
    deps,
    logs,
    post,
    /** Freezes business time. */
    setNow: (iso: string) => {
      now = new Date(iso);
    },
  };
}

export interface Signing {
  id?: string;
  timestamp?: number;
  secret?: string;
}

let deliveries = 0;

export function signedHeaders(body: string, options: Signing = {}) {
  const id = options.id ?? `msg_test_${process.pid}_${++deliveries}`;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signWebhook({ id, timestamp, body, secret: options.secret ?? SECRET }),
  };
}

/** A valid event body; `patch` replaces top-level fields, `prospect` merges into the prospect. */
export function eventBody(patch: Record<string, unknown> = {}, prospect: Record<string, unknown> = {}) {
  return JSON.stringify({
    type: "call.rejected",
    occurredAt: "2026-11-16T10:00:00-05:00",
    prospect: { id: "p-1", email: "dana@northwind.example", timezone: "America/New_York", ...prospect },
    reason: "all_set",
    ...patch,
  });
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors: Array<{ path: string; message: string }>;
}

/** A response body, typed as what the test expects it to be (the assertions check it). */
export const body = async <T>(response: Response | Promise<Response>) => (await (await response).json()) as T;
export const result = (response: Response | Promise<Response>) => body<IngestResult>(response);
export const problem = (response: Response | Promise<Response>) => body<ProblemBody>(response);
