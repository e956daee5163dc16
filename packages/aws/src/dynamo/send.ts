/**
 * The store's side of at-most-once email (ARCHITECTURE.md): the claim a send must win first, and what
 * recording a send adds to a decision's transaction. Keys in ./keys.ts.
 */
import type { TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { type ClaimRequest, type ClaimResult, prospectKey, type SendRecord } from "@redial/core";
import { cancellationCodes } from "./errors.ts";
import { epochSeconds, Keys } from "./keys.ts";

type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/** A sender's day counter outlives its day by this much, then TTL removes it. */
const SENDER_DAY_TTL_SECONDS = 3 * 86_400;

/**
 * One transaction: four conditions that must all hold at this instant, the claim itself, and the
 * item that maps the email's `prospect_key` tag back to the prospect (the same every time: a Put
 * with no condition, so it never refuses a claim).
 */
export function claimItems(table: string, claim: ClaimRequest): TransactItem[] {
  return [
    {
      ConditionCheck: {
        TableName: table,
        Key: Keys.prospect(claim.prospectId),
        ConditionExpression: "#version = :version",
        ExpressionAttributeNames: { "#version": "version" },
        ExpressionAttributeValues: { ":version": claim.version },
      },
    },
    {
      // G1 at the last moment: an opt-out that lands a millisecond before the send still wins.
      ConditionCheck: {
        TableName: table,
        Key: Keys.suppression(claim.email),
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
    {
      ConditionCheck: {
        TableName: table,
        Key: Keys.senderDay(claim.senderId, claim.day),
        ConditionExpression: "attribute_not_exists(#count) OR #count < :cap",
        ExpressionAttributeNames: { "#count": "count" },
        ExpressionAttributeValues: { ":cap": claim.senderCap },
      },
    },
    {
      Put: {
        TableName: table,
        Item: {
          ...Keys.sendClaim(claim.prospectId, claim.timerId),
          timerId: claim.timerId,
          claimedAt: claim.at.toISOString(),
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
    {
      Put: {
        TableName: table,
        Item: { ...Keys.taggedProspect(prospectKey(claim.prospectId)), prospectId: claim.prospectId },
      },
    },
  ];
}

/** Which condition of claimItems failed, in their order; null when the failure was something else. */
export function claimRefusal(error: unknown): ClaimResult | null {
  if (!(error instanceof Error) || error.name !== "TransactionCanceledException") return null;
  const codes = cancellationCodes(error);
  const failed = (i: number) => codes[i] === "ConditionalCheckFailed";
  if (failed(0)) return "version";
  if (failed(1)) return "suppressed";
  if (failed(3)) return "taken";
  if (failed(2)) return "sender_cap";
  return null;
}

/** Recording a send: the MessageId on the claim, and one more send on the sender's day. */
export function recordItems(table: string, prospectId: string, sent: SendRecord): TransactItem[] {
  const dayEnd = new Date(`${sent.day}T23:59:59Z`);
  return [
    {
      Update: {
        TableName: table,
        Key: Keys.sendClaim(prospectId, sent.timerId),
        UpdateExpression: "SET messageId = :messageId",
        ExpressionAttributeValues: { ":messageId": sent.messageId },
      },
    },
    {
      Update: {
        TableName: table,
        Key: Keys.senderDay(sent.senderId, sent.day),
        UpdateExpression: "ADD #count :one SET expiresAt = :expires",
        ExpressionAttributeNames: { "#count": "count" },
        ExpressionAttributeValues: { ":one": 1, ":expires": epochSeconds(dayEnd) + SENDER_DAY_TTL_SECONDS },
      },
    },
  ];
}

export const releaseItem = (table: string, prospectId: string, timerId: string): TransactItem => ({
  Delete: { TableName: table, Key: Keys.sendClaim(prospectId, timerId) },
});
