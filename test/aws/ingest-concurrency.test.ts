/**
 * ingest() over the real DynamoStore: the version guard and the webhook receipt, raced for real in
 * DynamoDB Local. The decisions are core's; what is proven here is that each lands exactly once.
 */
import { type InboundEvent, InboundEvent as InboundEventSchema, type IngestDeps, ingest } from "@redial/core";
import { describe, expect, it } from "vitest";
import { loadPlaybook } from "../../packages/functions/src/playbook.ts";
import { freshStore } from "../support/dynamo.ts";

const clock = { now: () => new Date("2026-11-17T15:00:00Z") };
const silent = { info() {}, warn() {}, error() {} };
const noTimers = { schedule: async () => {}, cancel: async () => {} };
const playbook = loadPlaybook();

async function setup() {
  const fresh = await freshStore({ clock });
  const deps: IngestDeps = { store: fresh.store, timers: noTimers, clock, log: silent, playbook };
  return { ...fresh, deps };
}

function noAnswer(): InboundEvent {
  return InboundEventSchema.parse({
    type: "call.no_answer",
    occurredAt: "2026-11-17T09:30:00-05:00",
    voicemail: false,
    prospect: {
      id: "hubspot:51234",
      email: "dana.lee@northwind.example",
      timezone: "America/New_York",
      owner: { id: "rep-7", email: "wendy@acme.example" },
    },
  });
}

const times = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));

describe("ingest with DynamoStore under concurrency", () => {
  it("applies 20 parallel deliveries of one webhook id once, and answers all 20 the same", async () => {
    const { store, deps } = await setup();

    const results = await Promise.all(
      times(20, () => ingest({ webhookId: "wh-1", event: noAnswer() }, deps)),
    );

    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const withoutFlag = results.map(({ duplicate: _, ...rest }) => rest);
    for (const result of withoutFlag) expect(result).toEqual(withoutFlag[0]);
    const stored = await store.getProspect("hubspot:51234");
    expect(stored?.prospect.version).toBe(1);
    expect(stored?.timeline).toHaveLength(1);
  });

  it("applies 20 parallel distinct events on one prospect, each exactly once, in versions 1..20", async () => {
    const { store, deps } = await setup();

    const results = await Promise.all(
      times(20, (i) => ingest({ webhookId: `wh-${i}`, event: noAnswer() }, deps)),
    );

    expect(results.every((r) => r.applied && !r.duplicate)).toBe(true);
    const stored = await store.getProspect("hubspot:51234");
    expect(stored?.prospect.version).toBe(20);
    expect(stored?.prospect.counters.touches).toBe(20);
    expect(stored?.timeline.map((entry) => entry.version)).toEqual(times(20, (i) => i + 1));
    expect(new Set(stored?.timeline.map((entry) => entry.webhookId)).size).toBe(20);
  });

  it("answers a redelivery after the first was applied as a duplicate and writes nothing", async () => {
    const { store, deps } = await setup();
    const first = await ingest({ webhookId: "wh-1", event: noAnswer() }, deps);

    const again = await ingest({ webhookId: "wh-1", event: noAnswer() }, deps);

    expect(again).toEqual({ ...first, duplicate: true });
    const stored = await store.getProspect("hubspot:51234");
    expect(stored?.prospect.version).toBe(1);
    expect(stored?.timeline).toHaveLength(1);
  });
});
