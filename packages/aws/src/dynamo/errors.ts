/**
 * DynamoDB failures in core's vocabulary. A lost race becomes StoreConflict (ingest re-reads and
 * decides again); a throttled or unreachable DynamoDB becomes RedialError("unavailable") (retry later);
 * anything else (a ValidationException, a missing table) is a bug and escapes unchanged to be logged.
 */
import { RedialError, StoreConflict } from "@redial/core";

interface CancellationReason {
  Code?: string;
}

const TRANSIENT = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
  "TransactionInProgressException",
  "TimeoutError",
]);
const NETWORK = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ENOTFOUND"]);

/** `receiptAt`: the receipt's position in the transaction, so its failed condition reads as a duplicate. */
export function storeError(error: unknown, transaction: { receiptAt?: number } = {}): unknown {
  if (!(error instanceof Error)) return error;
  if (error.name === "TransactionCanceledException") return cancelled(error, transaction.receiptAt ?? -1);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
  const code = (error as { code?: string }).code ?? "";
  if (TRANSIENT.has(error.name) || status >= 500 || NETWORK.has(code)) {
    return new RedialError("unavailable", `DynamoDB is unavailable (${error.name}); retry later`);
  }
  return error;
}

function cancelled(error: Error, receiptAt: number): Error {
  const reasons = cancellationCodes(error);
  // A receipt already there means the webhook id was applied meanwhile: not a version race to retry.
  if (reasons[receiptAt] === "ConditionalCheckFailed") return new StoreConflict("duplicate");
  // The version guard (or the timeline entry of that version) failed, or another transaction held the
  // item: either way the prospect moved under us, and re-reading resolves it.
  if (reasons.some((code) => code === "ConditionalCheckFailed" || code === "TransactionConflict")) {
    return new StoreConflict("version");
  }
  return new RedialError(
    "unavailable",
    `DynamoDB cancelled the transaction (${reasons.join(", ")}); retry later`,
  );
}

/** The codes in the order of the transaction's items ("None" for an item that was fine). */
export function cancellationCodes(error: Error): string[] {
  const reasons = (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? "None");
}

/** Awaits a DynamoDB call and translates its failure. */
export async function guard<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    throw storeError(error);
  }
}
