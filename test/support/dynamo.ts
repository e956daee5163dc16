/**
 * A fresh DynamoStore per call, on its own table in the shared DynamoDB Local that
 * test/support/global-setup.ts started, so suites and tests never see each other's items.
 */
import { randomUUID } from "node:crypto";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient, DynamoStore, ensureTable, shardOf } from "@redial/aws";
import {
  type Change,
  type Clock,
  newProspect,
  type Prospect,
  type QueueEntry,
  type Timer,
  type WebhookReceipt,
} from "@redial/core";
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** DynamoDB Local's URL, e.g. http://127.0.0.1:41234. */
    dynamoEndpoint: string;
  }
}

export interface FreshStore {
  client: DynamoDBDocumentClient;
  tableName: string;
  store: DynamoStore;
}

export async function freshStore(
  options: { clock?: Clock; exportPageSize?: number } = {},
): Promise<FreshStore> {
  const client = createDocumentClient({ endpoint: inject("dynamoEndpoint") });
  const tableName = `redial-test-${randomUUID()}`;
  await ensureTable(client, tableName);
  return { client, tableName, store: new DynamoStore({ client, tableName, ...options }) };
}

// Builders for store tests: a prospect at a version, and the change that stores it.

export const NOW = new Date("2026-11-17T15:00:00Z");
export const clock = { now: () => NOW };
export const DAY_MS = 86_400_000;

export function prospectAt(id: string, version: number, extra: Partial<Prospect> = {}): Prospect {
  return { ...newProspect(id, NOW.toISOString()), version, status: "retrying", ...extra };
}

export function receipt(webhookId: string, prospectId = "p-1"): WebhookReceipt {
  return {
    webhookId,
    prospectId,
    result: {
      prospectId,
      eventId: webhookId,
      duplicate: false,
      applied: true,
      state: "retrying",
      decision: { rule: "R8", actions: [] },
    },
  };
}

/** The change that moves `prospect` from version - 1 to its version. */
export function change(prospect: Prospect, extra: Partial<Change> = {}): Change {
  return {
    expectedVersion: prospect.version - 1,
    prospect,
    timeline: {
      at: NOW.toISOString(),
      kind: "event",
      type: "call.no_answer",
      applied: true,
      version: prospect.version,
      status: prospect.status,
      actions: [],
    },
    timersAdded: [],
    timersRemoved: [],
    suppress: [],
    now: NOW,
    ...extra,
  };
}

export const timer = (id: string, at: string): Timer => ({
  id,
  kind: "call",
  at,
  rule: "R8",
  cycle: 1,
  step: undefined,
});

export function queueEntry(ownerId: string, dueAt: string): QueueEntry {
  return {
    enteredAt: NOW.toISOString(),
    dueAt,
    ownerId,
    reason: "recycle",
    cycle: 2,
    suggestedHalf: "morning",
    suggestedWindow: { start: dueAt, end: dueAt },
    touches: 3,
    prompts: [],
    notes: [],
  };
}

/** Prospect ids that land in distinct shards, so a listing has to merge across them. */
export function idsInDistinctShards(count: number): string[] {
  const byShard = new Map<number, string>();
  for (let i = 0; byShard.size < count; i++)
    if (!byShard.has(shardOf(`p-${i}`))) byShard.set(shardOf(`p-${i}`), `p-${i}`);
  return [...byShard.values()];
}
