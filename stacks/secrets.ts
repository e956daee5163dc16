import { optionalEnv } from "./config";

/**
 * Secrets, set per stage with `npx sst secret set <Name> <value> --stage prod`.
 *
 * - WebhookSecret: the inbound CRM webhooks' `whsec_…` secret(s), space-separated while one rotates.
 *   With REDIAL_WEBHOOK_SOURCES="hubspot salesforce" at deploy time, each source also gets its own
 *   secret (WebhookSecretHubspot, …); the API accepts a signature by any of them.
 * - ApiToken: the operators' bearer token. UnsubscribeKey: the HMAC key of unsubscribe links.
 * - CrmWebhookSecret: only with REDIAL_CRM_WEBHOOK_URL set (the CRM is notified, issue 4).
 */
const pascal = (word: string) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();

const sources = (optionalEnv("REDIAL_WEBHOOK_SOURCES") ?? "")
  .split(/[\s,]+/)
  .filter((source) => /^[a-z0-9]+$/i.test(source));

export const webhookSecrets = [
  new sst.Secret("WebhookSecret"),
  ...sources.map((source) => new sst.Secret(`WebhookSecret${pascal(source)}`)),
];

export const secrets = {
  apiToken: new sst.Secret("ApiToken"),
  unsubscribeKey: new sst.Secret("UnsubscribeKey"),
};

/** The CRM's outbound webhook: both or neither (config.ts checks the pair at start-up too). */
export const crmWebhookUrl = optionalEnv("REDIAL_CRM_WEBHOOK_URL");
export const crmWebhookSecret = crmWebhookUrl ? new sst.Secret("CrmWebhookSecret") : undefined;

/** Every secret value a function's loadConfig() reads, as REDIAL_* variables. */
export const webhookSecretEnv = {
  REDIAL_WEBHOOK_SECRET: $resolve(webhookSecrets.map((secret) => secret.value)).apply((values) =>
    values.join(" "),
  ),
};
export const crmWebhookEnv =
  crmWebhookUrl && crmWebhookSecret
    ? { REDIAL_CRM_WEBHOOK_URL: crmWebhookUrl, REDIAL_CRM_WEBHOOK_SECRET: crmWebhookSecret.value }
    : {};
