/**
 * The configuration in parts: each part is the REDIAL_* variables of one concern (CONTRACT.md
 * "Configuration"), and a function loads only the parts it uses (functions.ts), so a secret reaches
 * only the functions that read it. No imports: stacks/ reads this table to build each function's
 * environment and links, and schemas.ts validates exactly these names.
 */
export const PARTS = {
  /** Every function runs the store and the playbook, whose team zone REDIAL_TEAM_TIMEZONE overrides. */
  store: ["REDIAL_TABLE_NAME", "REDIAL_TEAM_TIMEZONE"],
  /** POST /v1/events signatures and the operator routes' bearer token: the API's door. */
  inbound: ["REDIAL_WEBHOOK_SECRET", "REDIAL_API_TOKEN"],
  /** The CRMs' own webhooks (POST /v1/sources/{crm}/events), each CRM's pair both or neither. */
  crmSources: [
    "REDIAL_HUBSPOT_SECRET",
    "REDIAL_SALESFORCE_SECRET",
    "REDIAL_SALESFORCE_ORG_ID",
    "REDIAL_PIPEDRIVE_USER",
    "REDIAL_PIPEDRIVE_PASSWORD",
  ],
  /** Where links in mail point; also the URL HubSpot signed, which behind a proxy is not the one that arrives. */
  links: ["REDIAL_PUBLIC_URL"],
  /**
   * The HMAC key of unsubscribe links: the senders sign with it, the API verifies. Apart from `links`
   * because the weekly export links to the API but signs nothing.
   */
  unsubscribe: ["REDIAL_UNSUBSCRIBE_KEY"],
  /** The SES identity, the configuration set that routes bounces and complaints back, the footer's address. */
  sending: ["REDIAL_EMAIL_DOMAIN", "REDIAL_SES_CONFIGURATION_SET", "REDIAL_POSTAL_ADDRESS"],
  /** EventBridge Scheduler: all four, or timers are only logged (the local runtime polls instead). */
  scheduler: [
    "REDIAL_SCHEDULE_GROUP",
    "REDIAL_TIMER_TARGET_ARN",
    "REDIAL_SCHEDULER_ROLE_ARN",
    "REDIAL_TIMER_DLQ_ARN",
  ],
  /** Where R12's notices go and what signs them: both, or the CRM is not notified. */
  crmWebhook: ["REDIAL_CRM_WEBHOOK_URL", "REDIAL_CRM_WEBHOOK_SECRET"],
  export: ["REDIAL_EXPORT_RECIPIENTS"],
} as const;

export type Part = keyof typeof PARTS;
export type Variable<P extends Part = Part> = (typeof PARTS)[P][number];

/** What the local runtime loads: everything runs in its one process. */
export const ALL_PARTS: readonly Part[] = Object.keys(PARTS) as Part[];
