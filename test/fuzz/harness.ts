/**
 * The real API app over a real DynamoStore on its own DynamoDB Local table, configured with the dev
 * secret and token (what `npm start` prints), for the fuzzer. Every DynamoDB request is counted, so a
 * write is seen on the very case that made it; `items()` scans the table for the batch checks.
 */
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { countRequests } from "@redial/aws";
import type { Clock } from "@redial/core";
import { createApp, createLog, loadPlaybook, signWebhook } from "@redial/functions";
import { DEV_API_TOKEN, DEV_WEBHOOK_SECRET } from "@redial/local";
import { loggingTimers } from "../../packages/functions/src/timers.ts";
import { freshStore } from "../support/dynamo.ts";

export const SECRET = DEV_WEBHOOK_SECRET;
export const TOKEN = DEV_API_TOKEN;
export const UNSUBSCRIBE_KEY = "fuzz-unsubscribe-key-0123456789";
/** Business time: a minute after the base event's occurredAt, so a valid event would be applied. */
export const NOW = "2026-11-20T12:00:00Z";

const WRITES = ["TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"];

export type FuzzHarness = Awaited<ReturnType<typeof fuzzHarness>>;

export async function fuzzHarness() {
  const clock: Clock = { now: () => new Date(NOW) };
  const errors: Array<Record<string, unknown>> = [];
  // Only errors are kept: an unhandled error's stack is what a failing case needs to show.
  const log = createLog({ test: true }, (line) => {
    if (line.startsWith('{"level":"error"')) errors.push(JSON.parse(line) as Record<string, unknown>);
  });
  const { client, tableName, store } = await freshStore({ clock });
  const requests = countRequests(client);
  const playbook = loadPlaybook();
  const app = createApp({
    store,
    timers: loggingTimers(log),
    clock,
    log,
    playbook,
    wallClock: { now: () => new Date() },
    config: { webhookSecrets: [SECRET], apiToken: TOKEN },
    unsubscribeKey: UNSUBSCRIBE_KEY,
  });

  /** Every item of the table, as sorted JSON lines: two snapshots are equal iff nothing was written. */
  async function items(): Promise<string[]> {
    const out: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) out.push(JSON.stringify(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return out.sort();
  }

  return {
    app,
    errors,
    items,
    /** DynamoDB write requests since the last reset(), retries included. */
    writes: () => WRITES.reduce((sum, name) => sum + (requests.counts[name] ?? 0), 0),
    requestCounts: () => ({ ...requests.counts }),
    reset: () => requests.reset(),
  };
}

let deliveries = 0;
/** A fresh webhook id per delivery, so no case is answered as a duplicate of another. */
export const nextWebhookId = () => `msg_fuzz_${process.pid}_${++deliveries}`;

/** The three Standard Webhooks headers for `body`, signed with the dev secret now (wall clock). */
export function signed(body: string | Uint8Array, options: { id?: string; timestamp?: number } = {}) {
  const id = options.id ?? nextWebhookId();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signWebhook({ id, timestamp, body, secret: SECRET }),
  };
}
