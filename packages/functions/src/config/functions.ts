/**
 * Which parts (parts.ts) each Lambda loads; stacks/ gives each function exactly these parts'
 * variables and linked secrets. No imports but the types: stacks/ reads this table too.
 */
import type { Part } from "./parts.ts";

export const FUNCTION_CONFIG = {
  /**
   * api/lambda.ts: webhooks and operator routes, the CRMs' own webhooks, unsubscribe pages; ingest
   * plans and cancels timers. No sending and no CRM notices: only the timer runner delivers those.
   */
  api: ["store", "inbound", "crmSources", "links", "unsubscribe", "scheduler"],
  /** timers/lambda.ts: runs a due timer, so it sends, plans the next timers and notifies the CRM (R12). */
  timers: ["store", "links", "unsubscribe", "sending", "scheduler", "crmWebhook"],
  /** timers/reconcile.ts: runs overdue timers through the same runDueTimer as the timer runner. */
  reconcile: ["store", "links", "unsubscribe", "sending", "scheduler", "crmWebhook"],
  /** ses-events/lambda.ts: a bounce or complaint suppresses and cancels timers (R0, R11); sends nothing. */
  "ses-events": ["store", "scheduler"],
  /** export/lambda.ts: mails the week's CSV with a link to the API's copy; plans no timer. */
  export: ["store", "links", "sending", "export"],
} as const satisfies Record<string, readonly Part[]>;

export type FunctionName = keyof typeof FUNCTION_CONFIG;
