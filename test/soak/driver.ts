/**
 * The randomized soak (issue 6): thousands of prospects, a random mix of every event type (with
 * duplicates, delays and so events out of order), business time moved two years in random steps,
 * timers run as they come due, SES bounces and complaints coming back, and faults injected at a steady
 * rate; then the invariant checker must find nothing. Seeded: one seed, one run, step for step.
 *
 * Real parts: DynamoDB Local through the DynamoStore, the SES v2 local server through the SesMailer
 * (the mailbox simulator's addresses answer with bounces and complaints, fed to the SES-events
 * handler), core's ingest and runDueTimer exactly as the Lambdas call them. What stands in: the clock
 * (moved by the driver) and the CRM (this driver, redelivering what failed with the same
 * webhook id, as a CRM retries).
 *
 * Shards: `shards` spreads the prospects over several tables, each a full Redial store (its own
 * DynamoStore and deps), by owner: owner `o` lives in shard `o % shards`, so a rep's per-sender daily
 * cap (G3), a prospect's items, its webhook receipts and its suppressed address all sit in one shard,
 * as DynamoDB spreads partitions. Everything else is one world: one seeded random stream, one clock,
 * one delivery queue, one SES server and mailbox simulator (its bounces and complaints go to the shard
 * holding the prospect they are about, whose store alone resolves their tag), one fault injector; due
 * timers are listed from every shard.
 * What this works around is DynamoDB Local, not Redial: one DynamoDB Local does a table's writes one at
 * a time (a table lock, one SQLite thread), so in `npm run soak` its JVM sits at one core. With cores
 * to spare, `--shards 2` gives each shard its own DynamoDB Local. On a 2-core machine it does not pay:
 * this process already takes two thirds of the second core, and two JVMs burn a quarter to a third
 * more CPU for the same work, so the default is one (README, "Reliability"). The short soak puts two
 * tables on the test run's one DynamoDB Local: no faster, but the routing runs in `npm test`.
 *
 * Used by test/soak/soak.test.ts (short, in `npm test`) and scripts/soak.ts (`npm run soak`).
 */
import { createDocumentClient, createSesClient, DynamoStore, ensureTable, SesMailer } from "@redial/aws";
import {
  composer,
  type DueTimer,
  InboundEvent,
  ingest,
  type Playbook,
  parseSesEvent,
  RedialError,
  runDueTimer,
  type SendDeps,
  SOFT_NO_REASONS,
} from "@redial/core";
import { handleSesEvent, loadPlaybook, loadTemplates, loggingTimers } from "@redial/functions";
import type { SesLocal } from "@redial/local";
import { Faults, randomFaults } from "../support/faults.ts";

export interface SoakOptions {
  seed: number;
  prospects: number;
  /** Simulated span, in days (two years: 730). */
  days: number;
  /** Share of port calls that fail or are delayed (0.01 = 1 %), test/support/faults.ts's randomFaults. */
  faultRate: number;
  /** Where the prospects live, 1 to SOAK_OWNERS tables: owner `o` in `shards[o % shards.length]`. */
  shards: readonly SoakShard[];
  /** The SES v2 local server: the mailer sends to it, and its mailbox simulator answers. */
  ses: Pick<SesLocal, "url" | "drainEvents">;
  /** Concurrent deliveries and timer runs. */
  workers?: number;
  progress?: (line: string) => void;
}

/** One table (on its own DynamoDB Local, or sharing one): a full Redial store for some owners. */
export interface SoakShard {
  dynamoEndpoint: string;
  tableName: string;
}

export interface SoakReport {
  seed: number;
  prospects: number;
  shards: number;
  days: number;
  steps: number;
  deliveries: number;
  duplicates: number;
  redeliveries: number;
  refused: number;
  timerRuns: number;
  timerFailures: number;
  sesEvents: number;
  /** Deliveries given up after MAX_TRIES (none expected at a 1 % fault rate). */
  givenUp: number;
  /** Faults injected (failed or delayed port calls). */
  faults: number;
  wallSeconds: number;
  playbook: Playbook;
}

/** A CRM redelivers a failed webhook this many times (Standard Webhooks senders retry for days). */
const MAX_TRIES = 8;
const DAY_MS = 86_400_000;
const START = new Date("2026-01-05T14:00:00Z");
const ZONES = [
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Los_Angeles",
  "Europe/London",
];
/** Sales reps; prospect i belongs to rep i % SOAK_OWNERS, which decides its shard. */
export const SOAK_OWNERS = 12;

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Delivery {
  at: number;
  webhookId: string;
  event: InboundEvent;
  tries: number;
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const started = Date.now();
  const random = seeded(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const workers = options.workers ?? 16;
  const say = options.progress ?? (() => {});
  if (options.shards.length < 1 || options.shards.length > SOAK_OWNERS)
    throw new RangeError(`shards: 1 to ${SOAK_OWNERS} (one per owner at most), got ${options.shards.length}`);

  const clock = new SoakClock(START);
  const playbook = loadPlaybook();
  const mailer = new SesMailer({
    client: createSesClient({ endpoint: options.ses.url }),
    fromDomain: "acme.example",
  });
  const log = { info() {}, warn() {}, error() {} };
  const common: Omit<SendDeps, "store"> = {
    timers: loggingTimers(log),
    clock,
    log,
    playbook,
    mailer,
    compose: composer(loadTemplates(undefined, playbook), {
      publicUrl: "http://localhost:3000",
      postalAddress: "Redial Soak, 1 Example Street, Springfield, IL 62701, USA",
      unsubscribeKey: "redial-soak-unsubscribe-key-0001",
    }),
  };
  // Faults at a steady rate on every port call (store, mailer, timers): fails and delays, seeded. One
  // injector for every shard: one stream of draws, as with one table.
  const faults = new Faults(options.faultRate > 0 ? randomFaults(options.seed, options.faultRate) : []);
  const shards: Shard[] = await Promise.all(
    options.shards.map(async ({ dynamoEndpoint, tableName }) => {
      const client = createDocumentClient({ endpoint: dynamoEndpoint });
      await ensureTable(client, tableName);
      const store = new DynamoStore({ client, tableName });
      return { client, store, deps: faults.wrap({ ...common, store }) };
    }),
  );
  /** Each prospect's shard, by its id: its owner's. */
  const home = new Map<string, Shard>();
  const shardOf = (prospectId: string) => {
    const shard = home.get(prospectId);
    if (!shard) throw new Error(`no shard holds prospect ${prospectId}`);
    return shard;
  };
  /** Each prospect's shard, by its address (each prospect has its own). */
  const homeOfAddress = new Map<string, Shard>();

  // ——— the world: prospects, their first contact spread over the first three quarters ———
  const queue: Delivery[] = [];
  let ids = 0;
  const span = options.days * DAY_MS;
  const prospectOf = (i: number) => {
    const kind = random();
    const email =
      kind < 0.03
        ? `bounce+p${i}@simulator.amazonses.com`
        : kind < 0.05
          ? `complaint+p${i}@simulator.amazonses.com`
          : `p${i}@soak.example`;
    const owner = i % SOAK_OWNERS;
    home.set(`soak:${i}`, shards[owner % shards.length] as Shard);
    homeOfAddress.set(email, shards[owner % shards.length] as Shard);
    return {
      id: `soak:${i}`,
      email,
      firstName: pick(["Dana", "Lee", "Ana", "Sam", "Noor", "Kai"]),
      company: `Company ${i}`,
      timezone: pick(ZONES),
      tier: pick(["A", "B", "B", "C"] as const),
      fitsProfile: random() > 0.03,
      owner: { id: `rep-${owner}`, email: `rep${owner}@acme.example`, name: `Rep ${owner}` },
    };
  };
  const people = Array.from({ length: options.prospects }, (_, i) => prospectOf(i));
  // Parsed as the API parses a body, so defaults and normalisation apply as in production.
  const eventFor = (i: number, at: number): InboundEvent => InboundEvent.parse(rawEventFor(i, at));
  const rawEventFor = (i: number, at: number): InboundEvent => {
    const base = { occurredAt: new Date(at).toISOString(), prospect: people[i] as InboundEvent["prospect"] };
    const r = random();
    if (r < 0.4) return { type: "call.rejected", ...base, reason: pick(SOFT_NO_REASONS) };
    if (r < 0.55) return { type: "call.no_answer", ...base, voicemail: random() < 0.5 };
    if (r < 0.68) {
      const callback = new Date(at + (5 + Math.floor(random() * 200)) * DAY_MS).toISOString().slice(0, 10);
      return random() < 0.5
        ? { type: "call.stalled", ...base, callbackAt: callback, callbackReason: "budget cycle" }
        : { type: "call.stalled", ...base, callbackAt: callback };
    }
    if (r < 0.72)
      return { type: "call.rejected", ...base, reason: pick(["hostile", "do_not_contact"] as const) };
    if (r < 0.76) return { type: "prospect.opted_out", ...base };
    if (r < 0.8) return { type: "prospect.disqualified", ...base, reason: "too small" };
    if (r < 0.86) return { type: "prospect.replied", ...base };
    if (r < 0.9) return { type: "prospect.meeting_booked", ...base };
    if (r < 0.92) return { type: "prospect.converted", ...base };
    return { type: "prospect.updated", ...base, note: "title changed" };
  };
  const enqueue = (i: number, occurredAt: number) => {
    const event = eventFor(i, occurredAt);
    // 5 % arrive late (up to 3 days), so later events can come first: out of order.
    const delay = random() < 0.05 ? random() * 3 * DAY_MS : random() * 60_000;
    const webhookId = `msg_soak_${options.seed}_${++ids}`;
    queue.push({ at: occurredAt + delay, webhookId, event, tries: 0 });
    // 5 % are delivered twice (a CRM's retry after a lost answer), some at once, some later.
    if (random() < 0.05)
      queue.push({ at: occurredAt + delay + random() * DAY_MS, webhookId, event, tries: 0 });
    // Most prospects get more calls: 1–5 events in all, weeks to months apart.
    if (random() < 0.55) {
      const next = occurredAt + (3 + random() * 120) * DAY_MS;
      if (next < START.getTime() + span) enqueue(i, next);
    }
  };
  for (let i = 0; i < options.prospects; i++) enqueue(i, START.getTime() + random() * span * 0.75);
  queue.sort((a, b) => a.at - b.at);

  const report: SoakReport = {
    seed: options.seed,
    prospects: options.prospects,
    shards: shards.length,
    days: options.days,
    steps: 0,
    deliveries: 0,
    duplicates: 0,
    redeliveries: 0,
    refused: 0,
    timerRuns: 0,
    timerFailures: 0,
    sesEvents: 0,
    givenUp: 0,
    faults: 0,
    wallSeconds: 0,
    playbook,
  };

  const deliver = async (d: Delivery) => {
    report.deliveries++;
    const { deps } = shardOf(d.event.prospect.id);
    try {
      const result = await ingest({ webhookId: d.webhookId, event: d.event }, deps);
      if (result.duplicate) report.duplicates++;
    } catch (error) {
      if (error instanceof RedialError && !["unavailable", "conflict"].includes(error.kind)) {
        report.refused++; // invalid for the playbook (e.g. a callback date in the past): a 4xx, final
        return;
      }
      // A 5xx or a lost answer: the CRM tries again later, same webhook id.
      if (++d.tries >= MAX_TRIES) {
        report.givenUp++;
        return;
      }
      report.redeliveries++;
      insert({ ...d, at: clock.now().getTime() + (1 + random() * 6) * 3_600_000 });
    }
  };
  const insert = (d: Delivery) => {
    let lo = 0;
    let hi = queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((queue[mid] as Delivery).at <= d.at) lo = mid + 1;
      else hi = mid;
    }
    queue.splice(lo, 0, d);
  };

  /**
   * Every timer due now in every shard, each prospect's in due order, prospects in parallel (the
   * shards' lists interleaved, so every shard is busy); again while any came due.
   */
  const runTimers = async () => {
    const tried = new Set<string>();
    for (;;) {
      const lists = await Promise.all(shards.map(({ store }) => store.listDueTimers(clock.now(), 1_000)));
      const due = interleave(lists).filter(
        ({ prospectId, timer }) => !tried.has(`${prospectId}#${timer.id}@${timer.at}`),
      );
      if (due.length === 0) return;
      const byProspect = new Map<string, DueTimer[]>();
      for (const d of due) byProspect.set(d.prospectId, [...(byProspect.get(d.prospectId) ?? []), d]);
      await pool([...byProspect.values()], workers, async (timers) => {
        for (const { prospectId, timer } of timers) {
          tried.add(`${prospectId}#${timer.id}@${timer.at}`);
          report.timerRuns++;
          const { deps } = shardOf(prospectId);
          try {
            await runDueTimer({ prospectId, timerId: timer.id, kind: timer.kind }, deps);
          } catch {
            report.timerFailures++; // stays due: the next step runs it again, as the scheduler retries
          }
        }
      });
      // SES events name the prospect by a key in a message tag, which only the store of its shard
      // maps back: the soak routes by the address, which it gave to one prospect only.
      for (const event of options.ses.drainEvents()) {
        report.sesEvents++;
        const [address = ""] = parseSesEvent(event).detail.mail.destination;
        const { deps } = homeOfAddress.get(address) ?? (shards[0] as Shard);
        const results = await handleSesEvent(event, deps).catch(() => {
          report.timerFailures++;
          return [];
        });
        // Every simulated event is for a prospect the soak made: "not found" is a routing bug.
        const lost = results.find((result) => result.found === false);
        if (lost) throw new Error(`SES event for ${address} reached a shard without its prospect`);
      }
    }
  };

  const end = START.getTime() + span;
  let lastReport = 0;
  while (clock.now().getTime() < end) {
    // Steps of an hour to four days: timers run late by up to a step, as after an outage.
    const step = random() < 0.7 ? (1 + random() * 23) * 3_600_000 : (1 + random() * 3) * DAY_MS;
    clock.to(new Date(Math.min(end, clock.now().getTime() + step)));
    report.steps++;
    const now = clock.now().getTime();
    let ready = 0;
    while (ready < queue.length && (queue[ready] as Delivery).at <= now) ready++;
    const batch = queue.splice(0, ready);
    await pool(batch, workers, deliver);
    await runTimers();
    if (Date.now() - lastReport > 5_000) {
      lastReport = Date.now();
      const day = Math.round((now - START.getTime()) / DAY_MS);
      say(
        `day ${day}/${options.days}: ${report.deliveries} deliveries, ${report.timerRuns} timer runs, ${queue.length} events to come`,
      );
    }
  }
  // Leftovers (redeliveries scheduled past the end): delivered at the end, then what they made due.
  while (queue.length > 0) {
    await pool(queue.splice(0), workers, deliver);
    await runTimers();
  }
  for (const { client } of shards) client.destroy();
  report.faults = faults.hits.length;
  report.wallSeconds = Math.round((Date.now() - started) / 100) / 10;
  return report;
}

interface Shard {
  client: ReturnType<typeof createDocumentClient>;
  store: DynamoStore;
  deps: SendDeps;
}

/** [[a1, a2], [b1]] → [a1, b1, a2]: one from each list in turn. */
function interleave<T>(lists: readonly (readonly T[])[]): T[] {
  const out: T[] = [];
  const longest = Math.max(0, ...lists.map((list) => list.length));
  for (let i = 0; i < longest; i++) for (const list of lists) if (i < list.length) out.push(list[i] as T);
  return out;
}

/** Business time, moved by the driver only (the dev clock starts at the wall clock; this starts anywhere). */
class SoakClock {
  #at: number;
  constructor(at: Date) {
    this.#at = at.getTime();
  }
  now(): Date {
    return new Date(this.#at);
  }
  to(at: Date): void {
    this.#at = Math.max(this.#at, at.getTime());
  }
}

/** Runs `work` over `items` with at most `size` at once. */
async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}
