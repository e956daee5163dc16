/**
 * The invariant checker (issue 6) as a test assertion: after a scenario, `await expectNoViolations(tableName)`
 * reads the whole table and fails with every broken invariant (I1–I7), one per line.
 *
 * By default it reads the shared DynamoDB Local of the integration project (test/support/dynamo.ts's
 * tables); a suite that runs its own runtime passes `{ endpoint: runtime.dynamoEndpoint }` (or a
 * `client`) and `runtime.config.tableName`.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { CheckReport, Playbook, Violation } from "@redial/core";
import { checkTable } from "@redial/local";
import { expect, inject } from "vitest";
import { playbook as defaultPlaybook } from "./core.ts";
import "./dynamo.ts"; // declares the provided `dynamoEndpoint`

export interface CheckTarget {
  endpoint?: string;
  client?: DynamoDBDocumentClient;
}

/** The checker's report on one table, violations and all (for tests that expect some). */
export async function checkReport(
  tableName: string,
  playbook: Playbook = defaultPlaybook,
  target: CheckTarget = {},
): Promise<CheckReport> {
  const where = target.client
    ? { client: target.client }
    : { endpoint: target.endpoint ?? inject("dynamoEndpoint") };
  return checkTable({ ...where, tableName, playbook });
}

export const formatViolations = (violations: readonly Violation[]) =>
  violations.map((v) => `${v.invariant} ${v.prospectId ?? "-"}: ${v.message}`).join("\n");

/** Fails with the list of violations, if any; returns the report (prospects and items read). */
export async function expectNoViolations(
  tableName: string,
  playbook?: Playbook,
  target: CheckTarget = {},
): Promise<CheckReport> {
  const report = await checkReport(tableName, playbook, target);
  expect(
    report.violations,
    `${report.violations.length} invariant violation(s) in ${tableName}:\n${formatViolations(report.violations)}`,
  ).toEqual([]);
  return report;
}
