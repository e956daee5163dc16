/**
 * The Store port over one DynamoDB table (keys in ./keys.ts). A decision reads in one BatchGetItem and
 * writes in one TransactWriteItems guarded by the prospect's version, so concurrent events for one
 * prospect serialize through ingest's retry and a webhook id takes effect at most once.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import {
  type Change,
  type ClaimRequest,
  type ClaimResult,
  type Clock,
  type DueTimer,
  IngestResult,
  type Loaded,
  type Page,
  Profile,
  Prospect,
  QueueEntry,
  type QueueItem,
  type SendClaim,
  type Store,
  TimelineEntry,
  Timer,
  type WebhookReceipt,
} from "@redial/core";
import { guard, storeError } from "./errors.ts";
import {
  dueBefore,
  dueUpTo,
  enteredOwnerPartition,
  epochSeconds,
  type Key,
  Keys,
  ownerPartition,
  PROFILE_SK,
  shardPartitions,
  TIMELINE_PREFIX,
  utcIso,
} from "./keys.ts";
import {
  batchGetAll,
  decodeCursor,
  encodeCursor,
  type Item,
  mergeOldestFirst,
  mergeStreams,
  queryAll,
  queryRange,
  streamRange,
} from "./query.ts";
import { claimItems, claimRefusal } from "./send.ts";
import { commitItems, suppressionUpdate } from "./transaction.ts";

/** Items per export page: bounds memory (2 pages per shard held) while keeping requests few. */
export const EXPORT_PAGE_SIZE = 500;
/** A job run's claim outlives any retry of its trigger; TTL then tidies it. */
const JOB_RUN_TTL_SECONDS = 90 * 86_400;

export interface DynamoStoreOptions {
  /** Must marshal with `removeUndefinedValues` (createDocumentClient does): core's types have optional fields. */
  client: DynamoDBDocumentClient;
  tableName: string;
  /**
   * Real time for webhook receipts, never the business clock: a CRM retries in real time, so a
   * receipt is kept ≥ 72 h of it (CONTRACT.md) however far a dev clock has moved. Defaults to the
   * system clock; tests freeze it.
   */
  clock?: Clock;
  /** Items per page when streaming the export (EXPORT_PAGE_SIZE); tests make it small to cross pages. */
  exportPageSize?: number;
}

export interface Suppression {
  email: string;
  reason: string;
  at: string;
}

export class DynamoStore implements Store {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #clock: Clock;
  readonly #exportPageSize: number;

  constructor(options: DynamoStoreOptions) {
    if (!options.client.config.translateConfig?.marshallOptions?.removeUndefinedValues) {
      throw new Error("DynamoStore needs a document client with marshallOptions.removeUndefinedValues");
    }
    this.#client = options.client;
    this.#table = options.tableName;
    this.#clock = options.clock ?? { now: () => new Date() };
    this.#exportPageSize = options.exportPageSize ?? EXPORT_PAGE_SIZE;
  }

  async load(key: { prospectId: string; webhookId?: string; email?: string }): Promise<Loaded> {
    const wanted = {
      prospect: Keys.prospect(key.prospectId),
      receipt: key.webhookId === undefined ? undefined : Keys.receipt(key.webhookId),
      suppression: key.email === undefined ? undefined : Keys.suppression(key.email),
    };
    const keys = Object.values(wanted).filter((k) => k !== undefined);
    const items = await batchGetAll(this.#client, this.#table, keys);
    const find = (k: Key | undefined) => k && items.find((item) => item.pk === k.pk && item.sk === k.sk);
    const prospect = find(wanted.prospect);
    const receipt = find(wanted.receipt);
    // TTL deletes days late: an expired receipt that is still there counts as absent. A kept one
    // (an imported row) has no expiry.
    const live =
      receipt &&
      (receipt.expiresAt === undefined || Number(receipt.expiresAt) >= epochSeconds(this.#clock.now()));
    return {
      prospect: prospect ? Prospect.parse(prospect) : null,
      receipt: live ? toReceipt(receipt) : null,
      suppressed: find(wanted.suppression) !== undefined,
    };
  }

  async loadSend(key: {
    prospectId: string;
    timerId: string;
  }): Promise<{ prospect: Prospect | null; claim: SendClaim | null }> {
    const wanted = [Keys.prospect(key.prospectId), Keys.sendClaim(key.prospectId, key.timerId)];
    const items = await batchGetAll(this.#client, this.#table, wanted);
    const prospect = items.find((item) => item.sk === wanted[0]?.sk);
    const claim = items.find((item) => item.sk === wanted[1]?.sk);
    return {
      prospect: prospect ? Prospect.parse(prospect) : null,
      claim: claim
        ? {
            timerId: String(claim.timerId),
            claimedAt: String(claim.claimedAt),
            ...(claim.messageId ? { messageId: String(claim.messageId) } : {}),
          }
        : null,
    };
  }

  async claimSend(claim: ClaimRequest): Promise<ClaimResult> {
    try {
      await this.#client.send(
        new TransactWriteCommand({
          TransactItems: claimItems(this.#table, claim),
          ClientRequestToken: crypto.randomUUID(),
        }),
      );
      return "claimed";
    } catch (error) {
      const refusal = claimRefusal(error);
      if (refusal) return refusal;
      throw storeError(error);
    }
  }

  async prospectByKey(key: string): Promise<string | null> {
    const { Item } = await guard(
      // Consistent: the SES mailbox simulator answers moments after the claim wrote the item.
      this.#client.send(
        new GetCommand({ TableName: this.#table, Key: Keys.taggedProspect(key), ConsistentRead: true }),
      ),
    );
    return Item?.prospectId === undefined ? null : String(Item.prospectId);
  }

  async commit(change: Change): Promise<void> {
    const { items, receiptAt } = commitItems(this.#table, change, this.#clock.now());
    try {
      // A fresh token per commit makes the SDK's own retries idempotent (a lost response is not a conflict).
      await this.#client.send(
        new TransactWriteCommand({ TransactItems: items, ClientRequestToken: crypto.randomUUID() }),
      );
    } catch (error) {
      throw storeError(error, { receiptAt });
    }
  }

  async getProspect(prospectId: string): Promise<{ prospect: Prospect; timeline: TimelineEntry[] } | null> {
    const { pk } = Keys.prospect(prospectId);
    // Sort keys order the partition: PROFILE, QUEUE, TIMER#…, TL#<version> (oldest first).
    const items = await queryAll(this.#client, {
      TableName: this.#table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": pk },
      ConsistentRead: true,
    });
    const profile = items.find((item) => item.sk === PROFILE_SK);
    if (!profile) return null;
    const timeline = items.filter((item) => String(item.sk).startsWith(TIMELINE_PREFIX));
    return { prospect: Prospect.parse(profile), timeline: timeline.map((item) => TimelineEntry.parse(item)) };
  }

  async listCallQueue(query: {
    ownerId?: string;
    dueBefore?: Date;
    limit: number;
    cursor?: string;
  }): Promise<Page<QueueItem>> {
    // Both indexes sort by `<dueAt>#<prospectId>`, unique per entry, so the cursor is the last key seen.
    const range = {
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
      upTo: query.dueBefore ? dueBefore(query.dueBefore) : undefined,
      limit: query.limit + 1,
    };
    const index = query.ownerId === undefined ? "gsi1" : "gsi2";
    const partitions =
      query.ownerId === undefined ? shardPartitions("QUEUE") : [ownerPartition(query.ownerId)];
    const merged = await this.#listMerged(index, partitions, range);
    const page = merged.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((item) => ({
        prospectId: String(item.prospectId),
        profile: Profile.parse(item.profile),
        entry: QueueEntry.parse(item.entry),
      })),
      ...(merged.length > query.limit && last ? { cursor: encodeCursor(String(last[`${index}sk`])) } : {}),
    };
  }

  async *enteredQueue(query: { from: Date; to: Date; ownerId?: string }): AsyncGenerator<QueueItem> {
    const index = query.ownerId === undefined ? "gsi1" : "gsi2";
    const partitions =
      query.ownerId === undefined ? shardPartitions("ENTERED") : [enteredOwnerPartition(query.ownerId)];
    const bounds = { from: utcIso(query.from), to: utcIso(query.to), pageSize: this.#exportPageSize };
    const streams = partitions.map((partition) =>
      streamRange(this.#client, this.#table, { index, partition, ...bounds }),
    );
    for await (const item of mergeStreams(streams, `${index}sk`)) {
      yield {
        prospectId: String(item.prospectId),
        profile: Profile.parse(item.profile),
        entry: QueueEntry.parse(item.entry),
      };
    }
  }

  async claimJobRun(job: string, run: string, at: Date): Promise<boolean> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            ...Keys.jobRun(job, run),
            claimedAt: at.toISOString(),
            expiresAt: epochSeconds(this.#clock.now()) + JOB_RUN_TTL_SECONDS,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return false;
      throw storeError(error);
    }
  }

  async releaseJobRun(job: string, run: string): Promise<void> {
    await guard(this.#client.send(new DeleteCommand({ TableName: this.#table, Key: Keys.jobRun(job, run) })));
  }

  async listDueTimers(now: Date, limit: number): Promise<DueTimer[]> {
    const merged = await this.#listMerged("gsi1", shardPartitions("TIMER"), { upTo: dueUpTo(now), limit });
    return merged
      .slice(0, limit)
      .map((item) => ({ prospectId: String(item.prospectId), timer: Timer.parse(item.timer) }));
  }

  async listSuppressions(query: { limit: number; cursor?: string }): Promise<Page<Suppression>> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const merged = await this.#listMerged("gsi1", shardPartitions("SUPP"), { after, limit: query.limit + 1 });
    const page = merged.slice(0, query.limit).map((item) => ({
      email: String(item.email),
      reason: String(item.reason),
      at: String(item.at),
    }));
    const last = page.at(-1);
    return {
      items: page,
      ...(merged.length > query.limit && last ? { cursor: encodeCursor(last.email) } : {}),
    };
  }

  async addSuppression(email: string, reason: string, at: Date = this.#clock.now()): Promise<void> {
    await guard(this.#client.send(new UpdateCommand(suppressionUpdate(this.#table, email, reason, at))));
  }

  /** Whether the address was on the list. */
  async removeSuppression(email: string): Promise<boolean> {
    const out = await guard(
      this.#client.send(
        new DeleteCommand({ TableName: this.#table, Key: Keys.suppression(email), ReturnValues: "ALL_OLD" }),
      ),
    );
    return out.Attributes !== undefined;
  }

  /** Queries every partition of a listing in parallel and merges them by sort key, oldest first. */
  async #listMerged(
    index: "gsi1" | "gsi2",
    partitions: string[],
    range: { after?: string; upTo?: string; limit: number },
  ) {
    const pages = await Promise.all(
      partitions.map((partition) => queryRange(this.#client, this.#table, { index, partition, ...range })),
    );
    return mergeOldestFirst(pages, `${index}sk`);
  }
}

function toReceipt(item: Item): WebhookReceipt {
  return {
    webhookId: String(item.webhookId),
    prospectId: String(item.prospectId),
    result: IngestResult.parse(item.result),
  };
}
