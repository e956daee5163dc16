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
  /** Kept for good (an imported row, issue 7); otherwise it expires after the CRMs' retry window. */
  kept?: boolean;
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
  /** Business time of the write. */
  now: Date;
  /** After a send attempt: records the MessageId on the claim and counts the send for its sender (G3). */
  sent?: SendRecord;
  /** The claim of this timer id is deleted: the provider refused before sending, a later try may send. */
  releaseClaim?: string;
  /**
   * The prospect came back into the call queue (R12): its entry is also kept for good, indexed by
   * when it entered, for the weekly export (the live entry goes when the rep's next outcome comes).
   */
  queueEntered?: boolean;
}

/** The at-most-once record of one email timer's send (issue 3). */
export interface SendClaim {
  timerId: string;
  claimedAt: string;
  /** Present once SES accepted the email. A claim without it after a crash means "unknown". */
  messageId?: string;
}

export interface SendRecord {
  timerId: string;
  messageId: string;
  senderId: string;
  /** UTC day of the send (YYYY-MM-DD): the per-sender cap counts per day. */
  day: string;
}

export interface ClaimRequest {
  prospectId: string;
  timerId: string;
  /** The prospect's version the send was decided on. */
  version: number;
  email: string;
  senderId: string;
  /** UTC day (YYYY-MM-DD) of the sender's count. */
  day: string;
  senderCap: number;
  at: Date;
}

export type ClaimResult = "claimed" | "taken" | "suppressed" | "version" | "sender_cap";

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
  /**
   * Every prospect that entered the call queue in [from, to), oldest first, as it entered (profile
   * and entry then). Streams page by page: memory does not grow with the number of entries.
   */
  enteredQueue(query: { from: Date; to: Date; ownerId?: string }): AsyncIterable<QueueItem>;
  /**
   * Claims a run of a scheduled job (the weekly export of one week) once: true for the first caller,
   * false for every later one, so a retried or doubled trigger does not mail the team twice.
   */
  claimJobRun(job: string, run: string, at: Date): Promise<boolean>;
  /** Gives a claimed run back after it failed, so a retry of the trigger can run it. */
  releaseJobRun(job: string, run: string): Promise<void>;
  /** Timers due at or before `now`, oldest first. */
  listDueTimers(now: Date, limit: number): Promise<DueTimer[]>;
  /** One round trip: the prospect and the send claim of one of its email timers. */
  loadSend(key: {
    prospectId: string;
    timerId: string;
  }): Promise<{ prospect: Prospect | null; claim: SendClaim | null }>;
  /**
   * At-most-once (ARCHITECTURE.md): claims one timer's send in one conditional transaction, only if
   * the prospect is still at `version`, its address is not suppressed (G1, checked at this very
   * moment) and the sender is under its daily cap (G3). Says which condition failed otherwise.
   * The same transaction records the prospect under its key (prospectKey), the email's tag, so
   * the SES events of the email find the prospect again (prospectByKey) at no extra request.
   */
  claimSend(claim: ClaimRequest): Promise<ClaimResult>;
  /** The prospect whose emails carry this `prospect_key` tag, once one of them was claimed. */
  prospectByKey(key: string): Promise<string | null>;
  /** The suppression list, ordered by address; `cursor` from the previous page. */
  listSuppressions(query: {
    limit: number;
    cursor?: string;
  }): Promise<Page<{ email: string; reason: string; at: string }>>;
  /** Suppresses an address (normalized: trimmed, lower case); `at` defaults to the store's clock. */
  addSuppression(email: string, reason: string, at?: Date): Promise<void>;
  /** Whether the address was on the list. */
  removeSuppression(email: string): Promise<boolean>;
}

// ——— Sending (issue 3) ———

/** One email, fully rendered (G4 headers included), ready for the Mailer. */
export interface OutgoingEmail {
  to: string;
  /** The owner, sent through the team's verified domain (SES needs a verified From). */
  from: { name?: string; address: string };
  replyTo: string[];
  subject: string;
  text: string;
  html: string;
  /** RFC 8058: List-Unsubscribe and List-Unsubscribe-Post. */
  headers: { name: string; value: string }[];
  /**
   * SES message tags: prospect_key, sequence, step, timer. SES takes names and values of at most 256
   * characters of [A-Za-z0-9_-]; the mailer leaves off a value that does not fit rather than cut it.
   */
  tags: Record<string, string>;
  /** Files attached (the weekly export's CSVs); text, sent as UTF-8. */
  attachments?: { filename: string; contentType: string; content: string }[];
}

/**
 * Sends one email. Throws RedialError("unavailable") when the provider throttles or a quota is
 * exhausted (the send is deferred, never dropped); any other error is a failed send.
 */
export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

// ——— Notifying the CRM (issue 4) ———

/** One outbound webhook (Standard Webhooks): the body is `{ type, timestamp, data }` (see notify/). */
export interface WebhookDelivery {
  /** The `webhook-id` header: the same on every retry, so the receiver can drop duplicates. */
  webhookId: string;
  type: string;
  /** When it happened (business time), the body's `timestamp`; the signature uses the wall clock. */
  timestamp: Date;
  /** The body's `data`. */
  payload: unknown;
}

/**
 * Delivers webhooks to the configured CRM URL. Throws on any failure (network, timeout, non-2xx);
 * the notify runner retries with backoff and dead-letters after the last try.
 */
export interface Notifier {
  deliver(delivery: WebhookDelivery): Promise<void>;
}
