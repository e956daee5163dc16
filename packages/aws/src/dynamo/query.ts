/**
 * Read helpers behind the store: a BatchGetItem that finishes its unprocessed keys, a paginated
 * partition, a sort-key range of an index partition, a merge of shards oldest first, the cursor.
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from "@aws-sdk/lib-dynamodb";
import { RedialError } from "@redial/core";
import { guard } from "./errors.ts";

export type Item = Record<string, unknown>;
type Key = { pk: string; sk: string };

const MAX_BATCH_ATTEMPTS = 8;

/** One request normally; DynamoDB may leave keys unprocessed under load, so only those are retried. */
export async function batchGetAll(
  client: DynamoDBDocumentClient,
  table: string,
  keys: Key[],
): Promise<Item[]> {
  const found: Item[] = [];
  let pending = keys;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt === MAX_BATCH_ATTEMPTS) {
      throw new RedialError("unavailable", `DynamoDB left keys unprocessed after ${attempt} attempts`);
    }
    if (attempt > 0) await sleep(Math.random() * 25 * 2 ** attempt);
    const out = await guard(
      client.send(
        // Strongly consistent: a receipt or version written a moment ago must be seen, or ingest spins.
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      ),
    );
    found.push(...((out.Responses?.[table] ?? []) as Item[]));
    pending = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Key[];
  }
  return found;
}

/** Every item the query matches, following LastEvaluatedKey (a page stops at 1 MB). */
export async function queryAll(client: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  let start: QueryCommandInput["ExclusiveStartKey"];
  do {
    const out = await guard(client.send(new QueryCommand({ ...input, ExclusiveStartKey: start })));
    items.push(...((out.Items ?? []) as Item[]));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

export interface Range {
  index: "gsi1" | "gsi2";
  partition: string;
  /** Exclusive lower bound on the sort key (a cursor). */
  after?: string | undefined;
  /** Inclusive upper bound on the sort key. */
  upTo?: string | undefined;
  limit: number;
}

/** Up to `limit` items of one index partition within the range, in sort-key order. */
export async function queryRange(
  client: DynamoDBDocumentClient,
  table: string,
  range: Range,
): Promise<Item[]> {
  const sk = `${range.index}sk`;
  const values: Record<string, string> = { ":pk": range.partition };
  let condition = `${range.index}pk = :pk`;
  // A key condition takes one sort-key clause. With both bounds BETWEEN includes `after` itself, so the
  // cursor's own item is dropped below.
  if (range.after !== undefined && range.upTo !== undefined) {
    condition += ` AND ${sk} BETWEEN :after AND :upTo`;
    Object.assign(values, { ":after": range.after, ":upTo": range.upTo });
  } else if (range.after !== undefined) {
    condition += ` AND ${sk} > :after`;
    values[":after"] = range.after;
  } else if (range.upTo !== undefined) {
    condition += ` AND ${sk} <= :upTo`;
    values[":upTo"] = range.upTo;
  }
  if (range.after !== undefined && range.upTo !== undefined && range.after >= range.upTo) return [];

  const items: Item[] = [];
  let start: QueryCommandInput["ExclusiveStartKey"];
  do {
    const out = await guard(
      client.send(
        new QueryCommand({
          TableName: table,
          IndexName: range.index,
          KeyConditionExpression: condition,
          ExpressionAttributeValues: values,
          Limit: range.limit - items.length + 1,
          ExclusiveStartKey: start,
        }),
      ),
    );
    for (const item of (out.Items ?? []) as Item[]) if (item[sk] !== range.after) items.push(item);
    start = out.LastEvaluatedKey;
  } while (start && items.length < range.limit);
  return items.slice(0, range.limit);
}

/** Merges lists each sorted by `sortKey` into one, oldest first (keys start with a UTC ISO time). */
export function mergeOldestFirst(lists: Item[][], sortKey: string): Item[] {
  const key = (item: Item) => String(item[sortKey]);
  return lists.flat().sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Opaque to clients so the key layout can change; it only carries the last sort key returned. */
export const encodeCursor = (after: string) =>
  Buffer.from(JSON.stringify({ after }), "utf8").toString("base64url");

export function decodeCursor(cursor: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    // A sort key DynamoDB accepts: 1 to 1024 bytes. Anything else was not made by encodeCursor.
    if (parsed && typeof parsed === "object" && "after" in parsed && typeof parsed.after === "string") {
      const bytes = Buffer.byteLength(parsed.after);
      if (bytes >= 1 && bytes <= 1024) return parsed.after;
    }
  } catch {
    // fall through to the error a client can act on
  }
  throw new RedialError("invalid", "Malformed cursor", [
    { path: "cursor", message: "Not a cursor this API returned" },
  ]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The items of one index partition with `from <= sort key < to`, page by page, in sort-key order. The
 * next page is requested as soon as one is handed out, so the request overlaps the caller's work
 * (and the other partitions' requests, when several streams are merged); at most two pages are held.
 */
export async function* streamRange(
  client: DynamoDBDocumentClient,
  table: string,
  range: { index: "gsi1" | "gsi2"; partition: string; from: string; to: string; pageSize: number },
): AsyncGenerator<Item> {
  const sk = `${range.index}sk`;
  const page = (start: QueryCommandInput["ExclusiveStartKey"]): Promise<QueryCommandOutput> =>
    guard(
      client.send(
        new QueryCommand({
          TableName: table,
          IndexName: range.index,
          // BETWEEN is inclusive: `to` is a bare instant, and every key is longer, so it stays out.
          KeyConditionExpression: `${range.index}pk = :pk AND ${sk} BETWEEN :from AND :to`,
          ExpressionAttributeValues: { ":pk": range.partition, ":from": range.from, ":to": range.to },
          Limit: range.pageSize,
          ExclusiveStartKey: start,
        }),
      ),
    );
  // A reader that stops early (a client hung up) leaves a prefetch in flight; its failure then has
  // no one to report to and must not become an unhandled rejection. Awaiting it still throws.
  const prefetch = (start: QueryCommandInput["ExclusiveStartKey"]) => {
    const request = page(start);
    request.catch(() => {});
    return request;
  };
  let next: Promise<QueryCommandOutput> | undefined = prefetch(undefined);
  while (next) {
    const out: QueryCommandOutput = await next;
    next = out.LastEvaluatedKey ? prefetch(out.LastEvaluatedKey) : undefined;
    yield* (out.Items ?? []) as Item[];
  }
}

/**
 * Merges streams each sorted by `sortKey` into one, oldest first, holding one item per stream (the
 * streaming sibling of mergeOldestFirst). A linear scan of the heads: fine for the 16 shards.
 */
export async function* mergeStreams(streams: AsyncGenerator<Item>[], sortKey: string): AsyncGenerator<Item> {
  const heads = await Promise.all(streams.map((stream) => stream.next()));
  for (;;) {
    let min = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i];
      if (!head || head.done) continue;
      const best = heads[min];
      if (min < 0 || (best && !best.done && String(head.value[sortKey]) < String(best.value[sortKey])))
        min = i;
    }
    const chosen = heads[min];
    if (!chosen || chosen.done) return;
    yield chosen.value;
    heads[min] = await (streams[min] as AsyncGenerator<Item>).next();
  }
}
