/**
 * The ports core needs from the outside world, named after the domain. Use-cases take them as one
 * plain parameter object; adapters live in packages/aws (DynamoDB, SES, Scheduler) and
 * packages/local (clock, timer loop).
 */
import type { IngestResult } from "./ingest/result.ts";
import type { Prospect, QueueEntry, TimelineEntry, Timer } from "./schemas/prospect.ts";

export interface Clock {
  now(): Date;
}

export interface Log {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Wakes the timer runner when a stored timer comes due. DynamoDB stays the truth (ARCHITECTURE.md). */
export interface Timers {
  schedule(prospectId: string, timers: readonly Timer[]): Promise<void>;
  cancel(prospectId: string, timers: readonly Timer[]): Promise<void>;
}

/** What a webhook id produced, so a redelivery answers the same without a second effect. */
export interface WebhookReceipt {
  webhookId: string;
  prospectId: string;
  result: IngestResult;
}

export interface Loaded {
  prospect: Prospect | null;
  receipt: WebhookReceipt | null;
  /** Whether the address the event carries is on the suppression list (G1 at plan time). */
  suppressed: boolean;
}

/** Everything one decision changes, written in one transaction guarded by the prospect's version. */
export interface Change {
  /** The version the decision was made on; 0 for a prospect not stored yet. */
  expectedVersion: number;
  prospect: Prospect;
  timeline: TimelineEntry;
  timersAdded: readonly Timer[];
  timersRemoved: readonly Timer[];
  receipt?: WebhookReceipt;
  suppress: readonly string[];
  /** Business time of the write; webhook receipts expire relative to it. */
  now: Date;
}

export class StoreConflict extends Error {
  override readonly name = "StoreConflict";
  readonly reason: "version" | "duplicate";
  constructor(reason: "version" | "duplicate") {
    super(
      reason === "version" ? "The prospect changed since it was read" : "The webhook id was already applied",
    );
    this.reason = reason;
  }
}

export interface DueTimer {
  prospectId: string;
  timer: Timer;
}

export interface QueueItem {
  prospectId: string;
  profile: Prospect["profile"];
  entry: QueueEntry;
}

export interface Page<T> {
  items: T[];
  cursor?: string;
}

export interface Store {
  /** One round trip: the prospect, the receipt of `webhookId`, and the suppression of `email`. */
  load(key: { prospectId: string; webhookId?: string; email?: string }): Promise<Loaded>;
  /** Throws StoreConflict when the version moved or the webhook id was applied meanwhile. */
  commit(change: Change): Promise<void>;
  /** The prospect and its whole timeline, oldest first. */
  getProspect(prospectId: string): Promise<{ prospect: Prospect; timeline: TimelineEntry[] } | null>;
  /** Queue entries due before `dueBefore`, oldest first, for one owner or all. */
  listCallQueue(query: {
    ownerId?: string;
    dueBefore?: Date;
    limit: number;
    cursor?: string;
  }): Promise<Page<QueueItem>>;
  /** Timers due at or before `now`, oldest first. */
  listDueTimers(now: Date, limit: number): Promise<DueTimer[]>;
}
