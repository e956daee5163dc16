/** How DynamoDB failures reach core: races as StoreConflict, outages as "unavailable", bugs unchanged. */
import { RedialError, StoreConflict } from "@redial/core";
import { describe, expect, it } from "vitest";
import { storeError } from "../../packages/aws/src/dynamo/errors.ts";

const awsError = (name: string, fields: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), { name, ...fields });
const cancelled = (...codes: string[]) =>
  awsError("TransactionCanceledException", { CancellationReasons: codes.map((Code) => ({ Code })) });

describe("storeError", () => {
  it("reads a failed receipt condition as a duplicate, whatever else failed", () => {
    const error = cancelled("ConditionalCheckFailed", "None", "ConditionalCheckFailed");
    expect(storeError(error, { receiptAt: 2 })).toEqual(new StoreConflict("duplicate"));
  });

  it("reads a failed version guard or a conflicting transaction as a version race", () => {
    expect(storeError(cancelled("ConditionalCheckFailed", "None"), { receiptAt: 1 })).toEqual(
      new StoreConflict("version"),
    );
    expect(storeError(cancelled("TransactionConflict", "None"), { receiptAt: 1 })).toEqual(
      new StoreConflict("version"),
    );
  });

  it("reads throttling, inside a transaction or not, as unavailable", () => {
    for (const error of [
      cancelled("ThrottlingError", "None"),
      awsError("ProvisionedThroughputExceededException"),
      awsError("InternalServerError", { $metadata: { httpStatusCode: 500 } }),
      awsError("Error", { code: "ECONNREFUSED" }),
    ]) {
      const mapped = storeError(error);
      expect(mapped).toBeInstanceOf(RedialError);
      expect((mapped as RedialError).kind).toBe("unavailable");
    }
  });

  it("lets a bug (a ValidationException) escape unchanged, to be logged", () => {
    const error = awsError("ValidationException", { $metadata: { httpStatusCode: 400 } });
    expect(storeError(error)).toBe(error);
  });
});
