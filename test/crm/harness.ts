/**
 * The real API app over DynamoDB Local, with every CRM source configured, as test/functions/harness.ts
 * builds it for /v1/events. `writes()` counts DynamoDB writes: "nothing written" is checked there.
 */
import { readFileSync } from "node:fs";
import { countRequests } from "@redial/aws";
import type { Clock, IngestResult } from "@redial/core";
import { signHubSpot } from "@redial/core";
import { type CrmSources, createApp, createLog, loadPlaybook } from "@redial/functions";
import { expect } from "vitest";
import { loggingTimers } from "../../packages/functions/src/timers.ts";
import { freshStore } from "../support/dynamo.ts";

export const HUBSPOT_SECRET = "5e1c2a7b-0c3d-4e5f-8a9b-0c1d2e3f4a5b";
export const SALESFORCE_SECRET = "sf-outbound-token-0123456789";
export const SALESFORCE_ORG = "00D5e000000KQ2eEAG";
export const PIPEDRIVE = { user: "pipedrive", password: "pd-basic-password-0123456789" };
export const WEBHOOK_SECRET = `whsec_${Buffer.from("redial test secret, 32 bytes ok").toString("base64")}`;

const playbook = loadPlaybook();

export const fixture = (path: string) =>
  readFileSync(new URL(`../fixtures/crm/${path}`, import.meta.url), "utf8");

export async function harness(crm: CrmSources = allSources()) {
  let now = new Date("2026-11-16T17:00:00Z");
  const clock: Clock = { now: () => now };
  const logs: Array<Record<string, unknown>> = [];
  const log = createLog({ test: true }, (line) => logs.push(JSON.parse(line)));
  const { client, store } = await freshStore({ clock });
  const requests = countRequests(client);
  const deps = {
    store,
    timers: loggingTimers(log),
    clock,
    log,
    playbook,
    wallClock: { now: () => new Date() },
    config: { webhookSecrets: [WEBHOOK_SECRET], apiToken: "test-api-token-0123456789" },
    crm,
  };
  const app = createApp(deps);
  return {
    app,
    store,
    logs,
    requests,
    writes: () =>
      ["TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"].reduce(
        (sum, name) => sum + (requests.counts[name] ?? 0),
        0,
      ),
    setNow: (iso: string) => {
      now = new Date(iso);
    },
    timeline: async (prospectId: string) => (await store.getProspect(prospectId))?.timeline ?? [],
  };
}

export const allSources = (): CrmSources => ({
  hubspot: { secrets: [HUBSPOT_SECRET] },
  salesforce: { secrets: [SALESFORCE_SECRET], organizationId: SALESFORCE_ORG },
  pipedrive: PIPEDRIVE,
  publicUrl: "https://redial.acme.example",
});

export const HUBSPOT_URL = "http://localhost/v1/sources/hubspot/events";

/** The headers HubSpot sends with `body`, signed now for `uri` unless told otherwise. */
export function hubspotHeaders(
  body: string,
  options: { secret?: string; timestamp?: number; uri?: string } = {},
): Record<string, string> {
  const timestamp = options.timestamp ?? Date.now();
  return {
    "content-type": "application/json",
    "x-hubspot-request-timestamp": String(timestamp),
    "x-hubspot-signature-version": "v3",
    "x-hubspot-signature-v3": signHubSpot({
      secret: options.secret ?? HUBSPOT_SECRET,
      method: "POST",
      uri: options.uri ?? HUBSPOT_URL,
      body,
      timestamp,
    }),
  };
}

export interface Delivery {
  source: string;
  received: number;
  applied: number;
  duplicates: number;
  ignored: number;
  skipped: number;
  items: Array<{
    id: string;
    status: "applied" | "duplicate" | "ignored" | "skipped";
    type?: string;
    result?: IngestResult;
    reason?: string;
    errors?: Array<{ path: string; message: string }>;
    warnings?: string[];
  }>;
}

export const json = async <T>(response: Response) => (await response.json()) as T;

/**
 * A delivery that must be refused: the status, problem+json with a detail matching `detail`, and no
 * write request at all to DynamoDB.
 */
export async function expectRefused(
  h: { requests: { reset(): void }; writes(): number },
  send: () => Response | Promise<Response>,
  status: number,
  detail: RegExp,
): Promise<void> {
  h.requests.reset();
  const answer = await send();
  expect(answer.status).toBe(status);
  expect(answer.headers.get("content-type")).toBe("application/problem+json");
  expect((await json<{ detail: string }>(answer)).detail).toMatch(detail);
  expect(h.writes()).toBe(0);
}
