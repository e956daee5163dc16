/**
 * @redial/core: the domain. Pure decisions and use-cases over ports; imports no AWS SDK.
 */
export * from "./calendar/index.ts";
export * from "./check/index.ts";
export * from "./crm/index.ts";
export * from "./decide/index.ts";
export * from "./email/index.ts";
export * from "./errors.ts";
export * from "./export/index.ts";
export * from "./import/index.ts";
export { applyInternal } from "./ingest/apply-internal.ts";
export { applySesEvent, type SesEventResult } from "./ingest/apply-ses-event.ts";
export { assertNotFuture, type IngestDeps, ingest, resultOf, timelineEntry } from "./ingest/ingest.ts";
export { type ReadEvent, readEvent } from "./ingest/read-event.ts";
export { IngestResult } from "./ingest/result.ts";
export { type DueResult, runDueTimer } from "./ingest/run-due.ts";
export { actsOn, runTimer } from "./ingest/run-timer.ts";
export { parseJsonBody } from "./json-body.ts";
export * from "./notify/index.ts";
export { parsePlaybook } from "./playbook/load.ts";
export * from "./ports.ts";
export * from "./schemas/event.ts";
export * from "./schemas/playbook.ts";
export * from "./schemas/prospect.ts";
export * from "./schemas/ses-event.ts";
export { MAX_ATTRIBUTE_DEPTH, RESERVED_KEYS } from "./schemas/storable.ts";
export * from "./schemas/timer-payload.ts";
export * from "./send/index.ts";
export * from "./unsubscribe/index.ts";
