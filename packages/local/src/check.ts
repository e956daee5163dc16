/**
 * checkTable(): the invariant checker (issue 6) over one table: core's checks (I1–I7) on the snapshots
 * the aws reader streams from a parallel Scan. DynamoDB Local by endpoint, any table through a client,
 * or the real DynamoDB of your AWS credentials with neither.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient, scanSnapshots } from "@redial/aws";
import { type CheckReport, checkAll, type Playbook } from "@redial/core";
import { LOCAL_REGION } from "./dynamodb.ts";

export interface CheckTableOptions {
  /** A DynamoDB endpoint such as DynamoDB Local's http://localhost:8000. */
  endpoint?: string;
  /** A client to use instead (not destroyed here); neither: the SDK's default AWS configuration. */
  client?: DynamoDBDocumentClient;
  tableName: string;
  playbook: Playbook;
  /** Parallel Scan segments (the reader's default when absent). */
  segments?: number;
  /** Items per Scan request (tests make it small to cross pages). */
  pageSize?: number;
}

export async function checkTable(options: CheckTableOptions): Promise<CheckReport> {
  const client =
    options.client ??
    createDocumentClient(options.endpoint ? { endpoint: options.endpoint, region: LOCAL_REGION } : {});
  try {
    const scan = scanSnapshots({
      client,
      tableName: options.tableName,
      ...(options.segments ? { segments: options.segments } : {}),
      ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    });
    const { prospects, violations } = await checkAll(scan, options.playbook);
    return { prospects, items: scan.items, violations };
  } finally {
    if (!options.client) client.destroy();
  }
}
