/**
 * The invariant checker's reader (issue 6): the whole table, as one snapshot per prospect for core's
 * checkProspect(). The only Scan in Redial, on purpose: a checker must see every item, including the
 * ones no access pattern would reach (orphans, dangling index items).
 *
 * Two parallel segmented Scans, each page prefetched while the last one is worked on:
 * 1. the items that live outside a prospect's partition and point into it: suppressions (`S#`) and
 *    webhook receipts (`WH#`), filtered and projected down to a few attributes, kept in memory
 *    (compact; receipts expire after a week);
 * 2. the prospects' partitions (`P#`), streamed: DynamoDB returns an item collection's items together
 *    and in sort-key order, within one segment, so a prospect's snapshot is complete as soon as the
 *    next partition starts, and only the partitions being read are held. Were a partition ever
 *    returned in two pieces, the reader stops with an error rather than check half a prospect.
 *
 * Not a point-in-time copy: run it on a quiet table (after a test, with the runtime idle), or expect
 * changes made during the scan to show up as violations.
 */
import {
  type DynamoDBDocumentClient,
  ScanCommand,
  type ScanCommandInput,
  type ScanCommandOutput,
} from "@aws-sdk/lib-dynamodb";
import {
  emptySnapshot,
  type IndexedQueueEntry,
  type IndexedTimer,
  Prospect,
  type ProspectSnapshot,
  QueueEntry,
  type ReceiptSummary,
  type SuppressionRecord,
  TimelineEntry,
  Timer,
} from "@redial/core";
import { guard } from "./errors.ts";
import {
  enteredItem,
  Keys,
  normalizeEmail,
  PROFILE_SK,
  queueItem,
  TIMELINE_PREFIX,
  TIMER_PREFIX,
  timerItem,
} from "./keys.ts";
import type { Item } from "./query.ts";

/** Enough to keep DynamoDB Local's two cores and a real table's partitions busy without throttling. */
export const SCAN_SEGMENTS = 4;

export interface SnapshotScanOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Parallel Scan segments (SCAN_SEGMENTS). */
  segments?: number;
  /** Items per Scan request; default DynamoDB's own (1 MB pages). Tests make it small to cross pages. */
  pageSize?: number;
}

export interface SnapshotScan extends AsyncIterable<ProspectSnapshot> {
  /** Items read, of every kind (final once the iteration ends). */
  readonly items: number;
}

/** One snapshot per prospect partition, then one per receipt naming a prospect with no items at all. */
export function scanSnapshots(options: SnapshotScanOptions): SnapshotScan {
  const counter = { items: 0 };
  return {
    get items() {
      return counter.items;
    },
    [Symbol.asyncIterator]: () => snapshots(options, counter)[Symbol.asyncIterator](),
  };
}

async function* snapshots(
  options: SnapshotScanOptions,
  counter: { items: number },
): AsyncGenerator<ProspectSnapshot> {
  const side = await readSideItems(options);
  const done = new Set<string>();
  const total = options.segments ?? SCAN_SEGMENTS;
  const segments: AsyncGenerator<ProspectSnapshot>[] = [];
  for (let segment = 0; segment < total; segment++)
    segments.push(segmentSnapshots(options, { segment, total }, side, done, counter));
  yield* interleave(segments);
  for (const [prospectId, receipts] of side.receipts) yield { ...emptySnapshot(prospectId), receipts };
}

interface SideItems {
  suppressions: Map<string, SuppressionRecord>;
  /** By prospect id; a prospect's receipts leave the map when its snapshot is built. */
  receipts: Map<string, ReceiptSummary[]>;
}

async function readSideItems(options: SnapshotScanOptions): Promise<SideItems> {
  const side: SideItems = { suppressions: new Map(), receipts: new Map() };
  const total = options.segments ?? SCAN_SEGMENTS;
  await Promise.all(
    Array.from({ length: total }, async (_, segment) => {
      const input: ScanCommandInput = {
        TableName: options.tableName,
        Segment: segment,
        TotalSegments: total,
        ConsistentRead: true,
        FilterExpression: "begins_with(pk, :receipt) OR begins_with(pk, :suppression)",
        ProjectionExpression:
          "pk, email, reason, #at, webhookId, prospectId, #result.applied, #result.#state, #result.decision.#rule",
        ExpressionAttributeNames: { "#at": "at", "#result": "result", "#state": "state", "#rule": "rule" },
        ExpressionAttributeValues: { ":receipt": "WH#", ":suppression": "S#" },
        ...(options.pageSize ? { Limit: options.pageSize } : {}),
      };
      for await (const page of pages(options.client, input)) {
        for (const item of (page.Items ?? []) as Item[]) addSideItem(side, item);
      }
    }),
  );
  return side;
}

function addSideItem(side: SideItems, item: Item) {
  const pk = String(item.pk);
  if (pk.startsWith("S#")) {
    const email = normalizeEmail(String(item.email ?? pk.slice(2)));
    side.suppressions.set(email, { email, reason: String(item.reason), at: String(item.at) });
    return;
  }
  const result = (item.result ?? {}) as { applied?: boolean; state?: string; decision?: { rule?: string } };
  const receipt: ReceiptSummary = {
    webhookId: String(item.webhookId ?? pk.slice(3)),
    prospectId: String(item.prospectId),
    applied: result.applied === true,
    state: String(result.state),
    rule: String(result.decision?.rule),
  };
  side.receipts.set(receipt.prospectId, [...(side.receipts.get(receipt.prospectId) ?? []), receipt]);
}

async function* segmentSnapshots(
  options: SnapshotScanOptions,
  where: { segment: number; total: number },
  side: SideItems,
  done: Set<string>,
  counter: { items: number },
): AsyncGenerator<ProspectSnapshot> {
  const input: ScanCommandInput = {
    TableName: options.tableName,
    Segment: where.segment,
    TotalSegments: where.total,
    ConsistentRead: true,
    FilterExpression: "begins_with(pk, :prospect)",
    ExpressionAttributeValues: { ":prospect": "P#" },
    ...(options.pageSize ? { Limit: options.pageSize } : {}),
  };
  let current = null as Partition | null;
  for await (const page of pages(options.client, input)) {
    counter.items += page.ScannedCount ?? 0;
    for (const item of (page.Items ?? []) as Item[]) {
      const prospectId = String(item.pk).slice(2);
      if (current?.prospectId !== prospectId) {
        if (current) yield finish(current, side, done);
        if (done.has(prospectId))
          throw new Error(
            `The Scan returned the items of prospect ${prospectId} apart; cannot check it whole`,
          );
        current = { prospectId, items: [] };
      }
      current.items.push(item);
    }
  }
  if (current) yield finish(current, side, done);
}

interface Partition {
  prospectId: string;
  items: Item[];
}

/** A prospect's items as core's snapshot; the index items' keys are compared with what keys.ts writes. */
function finish(partition: Partition, side: SideItems, done: Set<string>): ProspectSnapshot {
  const { prospectId } = partition;
  done.add(prospectId);
  const snapshot = emptySnapshot(prospectId);
  snapshot.receipts = side.receipts.get(prospectId) ?? [];
  side.receipts.delete(prospectId);
  const unreadable = (item: Item, problem: string) =>
    snapshot.unreadable.push({ sk: String(item.sk), problem });
  const profile = partition.items.find((item) => item.sk === PROFILE_SK);
  if (profile) {
    const parsed = Prospect.safeParse(profile);
    if (parsed.success) snapshot.prospect = parsed.data;
    else unreadable(profile, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  }
  const prospect = snapshot.prospect;
  const withQueue = (entry: QueueEntry) => (prospect ? { ...prospect, queue: entry } : null);

  for (const item of partition.items) {
    const sk = String(item.sk);
    if (sk === PROFILE_SK) continue;
    if (sk.startsWith(TIMELINE_PREFIX)) {
      const parsed = TimelineEntry.safeParse(item);
      if (parsed.success) snapshot.timeline.push(parsed.data);
      else unreadable(item, parsed.error.message);
    } else if (sk.startsWith(TIMER_PREFIX)) {
      const parsed = Timer.safeParse(item.timer);
      if (!parsed.success) {
        unreadable(item, parsed.error.message);
        continue;
      }
      const indexed: IndexedTimer = { id: sk.slice(TIMER_PREFIX.length), timer: parsed.data };
      const problem = keyProblem(item, timerItem(prospectId, { ...parsed.data, id: indexed.id }));
      snapshot.timerItems.push(problem ? { ...indexed, keyProblem: problem } : indexed);
    } else if (sk === Keys.queue(prospectId).sk || sk.startsWith("ENTERED#")) {
      const parsed = QueueEntry.safeParse(item.entry);
      if (!parsed.success) {
        unreadable(item, parsed.error.message);
        continue;
      }
      const owner = withQueue(parsed.data);
      const expected = owner && (sk === "QUEUE" ? queueItem(owner) : enteredItem(owner));
      const problem = expected ? keyProblem(item, expected) : undefined;
      const indexed: IndexedQueueEntry = { entry: parsed.data, ...(problem ? { keyProblem: problem } : {}) };
      if (sk === "QUEUE") snapshot.queueItem = indexed;
      else snapshot.entered.push({ ...indexed, cycle: Number(sk.slice("ENTERED#".length)) });
    } else if (sk.startsWith("SEND#")) {
      snapshot.claims.push({
        timerId: String(item.timerId ?? sk.slice("SEND#".length)),
        claimedAt: String(item.claimedAt),
        ...(item.messageId ? { messageId: String(item.messageId) } : {}),
      });
    } else {
      unreadable(item, "no item of a prospect has this sort key (packages/aws/src/dynamo/keys.ts)");
    }
  }
  snapshot.timeline.sort((a, b) => a.version - b.version);
  const email = prospect?.profile.email;
  snapshot.suppression = (email && side.suppressions.get(normalizeEmail(email))) || null;
  return snapshot;
}

const INDEX_KEYS = ["sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"] as const;

/** How the stored keys differ from what keys.ts writes for the same data; undefined when they agree. */
function keyProblem(item: Item, expected: Record<string, unknown>): string | undefined {
  const wrong = INDEX_KEYS.filter((key) => key in expected && item[key] !== expected[key]).map(
    (key) =>
      `${key} is ${item[key] === undefined ? "missing" : JSON.stringify(item[key])}, expected ${JSON.stringify(expected[key])}`,
  );
  return wrong.length ? `index keys: ${wrong.join("; ")}` : undefined;
}

/** Scan pages, the next one requested as soon as one is handed out. */
async function* pages(
  client: DynamoDBDocumentClient,
  input: ScanCommandInput,
): AsyncGenerator<ScanCommandOutput> {
  const request = (start: ScanCommandInput["ExclusiveStartKey"]) => {
    const promise = guard(client.send(new ScanCommand({ ...input, ExclusiveStartKey: start })));
    promise.catch(() => {}); // a reader that stops early must not leave an unhandled rejection
    return promise;
  };
  let next: Promise<ScanCommandOutput> | undefined = request(undefined);
  while (next) {
    const out: ScanCommandOutput = await next;
    next = out.LastEvaluatedKey ? request(out.LastEvaluatedKey) : undefined;
    yield out;
  }
}

/** Items of several generators in the order they come, each asked for its next as soon as it gave one. */
async function* interleave<T>(sources: AsyncGenerator<T>[]): AsyncGenerator<T> {
  const pending = new Map<number, Promise<{ index: number; result: IteratorResult<T> }>>();
  const pull = (index: number) => {
    const source = sources[index] as AsyncGenerator<T>;
    const promise = source.next().then((result) => ({ index, result }));
    promise.catch(() => {});
    pending.set(index, promise);
  };
  sources.forEach((_, index) => {
    pull(index);
  });
  try {
    while (pending.size) {
      const { index, result } = await Promise.race(pending.values());
      if (result.done) pending.delete(index);
      else {
        pull(index);
        yield result.value;
      }
    }
  } finally {
    for (const source of sources) source.return(undefined).catch(() => {});
  }
}
