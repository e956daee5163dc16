/**
 * Every access pattern of the table, in one place (ElectroDB style): the only file that spells a key.
 *
 * | entity / pattern         | pk / sk                     | index: hash / range                       | used by                               |
 * |--------------------------|-----------------------------|-------------------------------------------|---------------------------------------|
 * | prospect (whole, inline  | P#<prospectId> / PROFILE    |                                           | load (ingest, timer runner), commit   |
 * |   timers and queue)      |                             |                                           |                                       |
 * | timeline entry           | P#<prospectId> / TL#<v:10>  |                                           | commit; getProspect (GET /prospects)  |
 * | pending timer (index)    | P#<prospectId> / TIMER#<id> | gsi1: TIMER#<shard> / <at>#<pid>#<id>     | listDueTimers (local loop, AWS recon) |
 * | call-queue entry         | P#<prospectId> / QUEUE      | gsi2: OWNER#<ownerId> / <dueAt>#<pid>     | listCallQueue for one owner           |
 * |                          |                             | gsi1: QUEUE#<shard> / <dueAt>#<pid>       | listCallQueue for all owners          |
 * | queue history (kept for  | P#<prospectId> /            | gsi1: ENTERED#<shard> / <enteredAt>#<pid> | enteredQueue (weekly export, team)    |
 * |   good, one per cycle)   |   ENTERED#<cycle:6>         | gsi2: ENTERED#<owner> / <enteredAt>#<pid> | enteredQueue (one owner's export)     |
 * | job run (at most once)   | JOB#<job> / RUN#<run>       | (TTL expiresAt = at + 90 d)               | claimJobRun (weekly export mail)      |
 * | webhook receipt          | WH#<webhookId> / WH         | (TTL expiresAt = now + 7 d; none if kept) | load, commit (idempotency)            |
 * | suppression              | S#<email> / S               | gsi1: SUPP#<shard> / <email>              | load (G1), commit, /v1/suppressions   |
 * | send claim (at most once)| P#<prospectId> / SEND#<tid> |                                           | loadSend, claimSend, commit (record)  |
 * | sender's day (G3 cap)    | SENDER#<owner> / D#<day>    | (TTL expiresAt = day + 3 d)               | claimSend (condition), commit (count) |
 * | prospect by email tag    | TAG#<key> / PROSPECT        |                                           | claimSend (put), prospectByKey        |
 *
 * Why this shape:
 * - One partition per prospect: getProspect is one Query, and a decision reads one item and writes one
 *   transaction. Timeline versions are zero-padded so the sort key orders them exactly.
 * - Timers live inline on the prospect (the truth the runner re-checks) and again as small index items,
 *   because an index needs one item per timer to sort by due time.
 * - Listing indexes are sharded 16 ways by a stable hash: a single `TIMER` partition would take every
 *   timer write of every team and cap at one partition's throughput. Readers query the 16 shards in
 *   parallel and merge; sort keys start with a fixed-width UTC ISO time, so string order is time order.
 * - Times in sort keys are normalised to `toISOString()` (UTC, milliseconds): core accepts any offset,
 *   and "2026-11-17T09:00:00-06:00" would sort wrongly against a `Z` time.
 * - The live queue entry goes when the rep's next outcome comes; the export must still list who came
 *   back last week, so R12 also writes a history item that nothing deletes, sorted by entry time.
 * - Every listing above is a Query on a known partition; nothing reads the whole table.
 * - An SES event names the prospect only through the email's tags, and a tag cannot hold an id (at
 *   most 256 characters of [A-Za-z0-9_-]); it holds core's prospectKey, a hash. The send's claim puts
 *   the hash → id item in its own transaction (no extra request per email), and a GetItem by the
 *   tag finds the prospect. It lives outside the prospect's partition and names it: erasing a
 *   prospect (CONTRACT.md) deletes it too, by the key computed from the id.
 */
import type { Prospect, TimelineEntry, Timer, WebhookReceipt } from "@redial/core";

export const SHARDS = 16;
/** Promised ≥ 72 h (CONTRACT.md); a week leaves room for a CRM's slowest retry schedule. */
export const RECEIPT_TTL_SECONDS = 7 * 86_400;

export const PROFILE_SK = "PROFILE";
export const TIMELINE_PREFIX = "TL#";
export const TIMER_PREFIX = "TIMER#";

/** FNV-1a: stable across processes and releases (unlike a runtime's string hash). */
export function shardOf(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % SHARDS;
}

export const utcIso = (at: string | Date) => new Date(at).toISOString();
export const normalizeEmail = (email: string) => email.trim().toLowerCase();
export const epochSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

export const Keys = {
  prospect: (prospectId: string) => ({ pk: `P#${prospectId}`, sk: PROFILE_SK }),
  timeline: (prospectId: string, version: number) => ({
    pk: `P#${prospectId}`,
    sk: `${TIMELINE_PREFIX}${String(version).padStart(10, "0")}`,
  }),
  timer: (prospectId: string, timerId: string) => ({
    pk: `P#${prospectId}`,
    sk: `${TIMER_PREFIX}${timerId}`,
  }),
  queue: (prospectId: string) => ({ pk: `P#${prospectId}`, sk: "QUEUE" }),
  receipt: (webhookId: string) => ({ pk: `WH#${webhookId}`, sk: "WH" }),
  suppression: (email: string) => ({ pk: `S#${normalizeEmail(email)}`, sk: "S" }),
  /** The at-most-once claim of one email timer's send (issue 3), next to the prospect. */
  sendClaim: (prospectId: string, timerId: string) => ({ pk: `P#${prospectId}`, sk: `SEND#${timerId}` }),
  /** The queue entry of one cycle, kept for the weekly export (R12). */
  entered: (prospectId: string, cycle: number) => ({
    pk: `P#${prospectId}`,
    sk: `ENTERED#${String(cycle).padStart(6, "0")}`,
  }),
  /** One run of a scheduled job, claimed once (the weekly export of one week). */
  jobRun: (job: string, run: string) => ({ pk: `JOB#${job}`, sk: `RUN#${run}` }),
  /** The prospect whose emails carry `key` (core's prospectKey) in their `prospect_key` tag. */
  taggedProspect: (key: string) => ({ pk: `TAG#${key}`, sk: "PROSPECT" }),
  /** A sender's sends on one UTC day, for the G3 cap; TTL removes it after a few days. */
  senderDay: (senderId: string, day: string) => ({ pk: `SENDER#${senderId}`, sk: `D#${day}` }),
};
export type Key = ReturnType<(typeof Keys)["prospect"]>;

/** The partitions a sharded listing queries, all 16 of them. */
export const shardPartitions = (prefix: "TIMER" | "QUEUE" | "SUPP" | "ENTERED") =>
  Array.from({ length: SHARDS }, (_, shard) => `${prefix}#${shard}`);

export const ownerPartition = (ownerId: string) => `OWNER#${ownerId}`;

/**
 * Inclusive upper bound for "due at or before `now`": `$` is the character right after the `#` that
 * follows the time, so every key of that exact instant is in and nothing later is.
 */
export const dueUpTo = (now: Date) => `${utcIso(now)}$`;
/** Inclusive upper bound for "due strictly before": every key is longer than the bare time. */
export const dueBefore = (at: Date) => utcIso(at);

export function prospectItem(prospect: Prospect) {
  return { ...Keys.prospect(prospect.id), ...prospect };
}

export function timelineItem(prospectId: string, entry: TimelineEntry) {
  return { ...Keys.timeline(prospectId, entry.version), ...entry };
}

export function timerItem(prospectId: string, timer: Timer) {
  return {
    ...Keys.timer(prospectId, timer.id),
    gsi1pk: `TIMER#${shardOf(prospectId)}`,
    gsi1sk: `${utcIso(timer.at)}#${prospectId}#${timer.id}`,
    prospectId,
    timer,
  };
}

/** Carries a copy of the profile so listing the queue needs no second read per row. */
export function queueItem(prospect: Prospect) {
  const entry = prospect.queue;
  if (!entry) throw new Error(`Prospect ${prospect.id} is not in the call queue`);
  const sortKey = `${utcIso(entry.dueAt)}#${prospect.id}`;
  return {
    ...Keys.queue(prospect.id),
    gsi1pk: `QUEUE#${shardOf(prospect.id)}`,
    gsi1sk: sortKey,
    gsi2pk: ownerPartition(entry.ownerId),
    gsi2sk: sortKey,
    prospectId: prospect.id,
    profile: prospect.profile,
    entry,
  };
}

/** A prospect's queue entry as it entered (R12), with the profile of that moment, for the export. */
export function enteredItem(prospect: Prospect) {
  const entry = prospect.queue;
  if (!entry) throw new Error(`Prospect ${prospect.id} is not in the call queue`);
  const sortKey = `${utcIso(entry.enteredAt)}#${prospect.id}#${entry.cycle}`;
  return {
    ...Keys.entered(prospect.id, entry.cycle),
    gsi1pk: `ENTERED#${shardOf(prospect.id)}`,
    gsi1sk: sortKey,
    gsi2pk: enteredOwnerPartition(entry.ownerId),
    gsi2sk: sortKey,
    prospectId: prospect.id,
    profile: prospect.profile,
    entry,
  };
}

export const enteredOwnerPartition = (ownerId: string) => `ENTERED#OWNER#${ownerId}`;

export function receiptItem(receipt: WebhookReceipt, now: Date) {
  return {
    ...Keys.receipt(receipt.webhookId),
    ...receipt,
    ...(receipt.kept ? {} : { expiresAt: epochSeconds(now) + RECEIPT_TTL_SECONDS }),
  };
}

export function suppressionItem(email: string, reason: string, at: Date) {
  const normalized = normalizeEmail(email);
  return {
    ...Keys.suppression(normalized),
    gsi1pk: `SUPP#${shardOf(normalized)}`,
    gsi1sk: normalized,
    email: normalized,
    reason,
    at: at.toISOString(),
  };
}
