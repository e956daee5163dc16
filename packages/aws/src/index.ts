/**
 * @redial/aws: adapters from core's ports to AWS services. DynamoDB is the store (one table).
 */
export {
  type ClientOptions,
  countRequests,
  createDocumentClient,
  type RequestCounter,
} from "./dynamo/client.ts";
export { RECEIPT_TTL_SECONDS, SHARDS, shardOf } from "./dynamo/keys.ts";
export { type SnapshotScan, type SnapshotScanOptions, scanSnapshots } from "./dynamo/snapshot.ts";
export { DynamoStore, type DynamoStoreOptions, type Suppression } from "./dynamo/store.ts";
export { createTableInput, ensureTable, type IndexName, TABLE } from "./dynamo/table.ts";
export { SchedulerTimers, type SchedulerTimersOptions, scheduleName } from "./scheduler/timers.ts";
export { createSesClient, type SesClientOptions } from "./ses/client.ts";
export { SesMailer, type SesMailerOptions } from "./ses/mailer.ts";
