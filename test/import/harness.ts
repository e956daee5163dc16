/** The real API app over a fresh DynamoDB Local table, for POST /v1/imports, with business time fixed. */
import { countRequests } from "@redial/aws";
import type { Clock } from "@redial/core";
import { createApp, createLog, loadPlaybook, loggingTimers } from "@redial/functions";
import type * as z from "zod";
import type { ImportReport } from "../../packages/functions/src/api/routes/imports.ts";
import { freshStore } from "../support/dynamo.ts";
import { IMPORT_NOW } from "./rows.ts";

/** The body POST /v1/imports answers with (the route's own schema). */
export type Report = z.infer<typeof ImportReport>;

export const API_TOKEN = "test-api-token-0123456789";
const playbook = loadPlaybook();

export async function importHarness(now: Date | Clock = IMPORT_NOW) {
  const clock: Clock = now instanceof Date ? { now: () => now } : now;
  const log = createLog({ test: true }, () => {});
  const fresh = await freshStore({ clock });
  const requests = countRequests(fresh.client);
  const app = createApp({
    store: fresh.store,
    timers: loggingTimers(log),
    clock,
    log,
    playbook,
    wallClock: { now: () => new Date() },
    config: {
      webhookSecrets: [`whsec_${Buffer.from("redial test secret, 32 bytes ok").toString("base64")}`],
      apiToken: API_TOKEN,
    },
  });
  const post = (body: string, options: { query?: string; type?: string; token?: string } = {}) =>
    app.request(`http://localhost/v1/imports${options.query ? `?${options.query}` : ""}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${options.token ?? API_TOKEN}`,
        "content-type": options.type ?? "text/csv",
      },
      body,
    });
  const writes = () =>
    ["TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"].reduce(
      (sum, name) => sum + (requests.counts[name] ?? 0),
      0,
    );
  return { ...fresh, app, post, writes, playbook };
}
