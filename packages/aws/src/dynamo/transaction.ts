/**
 * The one TransactWriteItems a decision becomes (Store.commit): every item it changes, each guarded
 * where a race could matter. The store maps a cancelled transaction back through `receiptAt`.
 */
import type { TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import type { Change } from "@redial/core";
import {
  enteredItem,
  epochSeconds,
  type Key,
  Keys,
  normalizeEmail,
  prospectItem,
  queueItem,
  receiptItem,
  suppressionItem,
  timelineItem,
  timerItem,
} from "./keys.ts";
import { recordItems, releaseItem } from "./send.ts";

/** The statuses that take a prospect out of the call queue and the export for good (R0, R1). */
const STOPPED = new Set(["opted_out", "disqualified"]);

export type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];
type Condition = Omit<NonNullable<TransactItem["Put"]>, "Item" | "TableName">;

/** `receiptNow` is real time (the store's clock): receipts expire in real time, not business time. */
export function commitItems(
  table: string,
  change: Change,
  receiptNow: Date,
): { items: TransactItem[]; receiptAt: number } {
  const { prospect } = change;
  const put = (Item: Record<string, unknown>, condition?: Condition): TransactItem => ({
    Put: { TableName: table, Item, ...condition },
  });
  const del = (Key: Key): TransactItem => ({ Delete: { TableName: table, Key } });

  const items: TransactItem[] = [
    // The version guard: the decision was made on `expectedVersion`, or on nothing stored yet.
    put(
      prospectItem(prospect),
      change.expectedVersion === 0
        ? { ConditionExpression: "attribute_not_exists(pk)" }
        : {
            ConditionExpression: "#version = :expected",
            ExpressionAttributeNames: { "#version": "version" },
            ExpressionAttributeValues: { ":expected": change.expectedVersion },
          },
    ),
    put(timelineItem(prospect.id, change.timeline), { ConditionExpression: "attribute_not_exists(pk)" }),
  ];
  // A transaction allows one action per item; an id both removed and added ends up added.
  const timers = new Map<string, TransactItem>();
  for (const t of change.timersRemoved) timers.set(t.id, del(Keys.timer(prospect.id, t.id)));
  for (const t of change.timersAdded) timers.set(t.id, put(timerItem(prospect.id, t)));
  items.push(...timers.values());
  // A prospect never stored has no queue entry to delete: skip the write.
  if (prospect.queue) items.push(put(queueItem(prospect)));
  else if (change.expectedVersion > 0) items.push(del(Keys.queue(prospect.id)));
  // R12: kept for good (the weekly export); one per cycle, so a retried commit cannot double it.
  if (change.queueEntered && prospect.queue) items.push(put(enteredItem(prospect)));
  // R0/R1: a prospect who opted out or stopped fitting leaves this cycle's export too, so no rep
  // calls them from Monday's list. (Older cycles' entries went out in older weeks' exports.)
  if (change.timeline.applied && STOPPED.has(prospect.status) && change.expectedVersion > 0)
    items.push(del(Keys.entered(prospect.id, prospect.cycle)));

  const receiptAt = change.receipt ? items.length : -1;
  if (change.receipt) {
    // TTL deletes late: a receipt past its expiresAt but still stored must not block the id.
    items.push(
      put(receiptItem(change.receipt, receiptNow), {
        ConditionExpression: "attribute_not_exists(pk) OR expiresAt < :now",
        ExpressionAttributeValues: { ":now": epochSeconds(receiptNow) },
      }),
    );
  }
  const reason = change.timeline.rule ?? "decision";
  for (const email of new Set(change.suppress.map(normalizeEmail))) {
    items.push({ Update: suppressionUpdate(table, email, reason, change.now) });
  }
  if (change.sent) items.push(...recordItems(table, prospect.id, change.sent));
  if (change.releaseClaim) items.push(releaseItem(table, prospect.id, change.releaseClaim));
  return { items, receiptAt };
}

/**
 * Puts an address on the suppression list. The first suppression's reason and date stay: a later
 * bounce or an operator's re-add must not rewrite when and why someone opted out.
 */
export function suppressionUpdate(table: string, email: string, reason: string, at: Date) {
  const { pk, sk, ...fields } = suppressionItem(email, reason, at);
  return {
    TableName: table,
    Key: { pk, sk },
    UpdateExpression:
      "SET gsi1pk = :gsi1pk, gsi1sk = :gsi1sk, email = :email, reason = if_not_exists(reason, :reason), #at = if_not_exists(#at, :at)",
    ExpressionAttributeNames: { "#at": "at" },
    ExpressionAttributeValues: {
      ":gsi1pk": fields.gsi1pk,
      ":gsi1sk": fields.gsi1sk,
      ":email": fields.email,
      ":reason": fields.reason,
      ":at": fields.at,
    },
  };
}
