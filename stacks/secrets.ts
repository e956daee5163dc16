import { type Environment, optionalEnv, required } from "./config";

/**
 * Secrets, set per stage with `npx sst secret set <Name> <value> --stage prod`.
 *
 * - WebhookSecret: the inbound CRM webhooks' `whsec_…` secret(s), space-separated while one rotates.
 *   With REDIAL_WEBHOOK_SOURCES="hubspot salesforce" at deploy time, each source also gets its own
 *   secret (WebhookSecretHubspot, …); the API accepts a signature by any of them.
 * - ApiToken: the operators' bearer token. UnsubscribeKey: the HMAC key of unsubscribe links.
 * - CrmWebhookSecret: only with REDIAL_CRM_WEBHOOK_URL set (the CRM is notified, issue 4).
 * - HubspotSecret, SalesforceSecret, PipedrivePassword: the CRMs' own webhooks (issue 7, docs/crm/),
 *   each only for a CRM named in REDIAL_CRM_SOURCES ("hubspot salesforce pipedrive") at deploy time.
 *   Salesforce also needs REDIAL_SALESFORCE_ORG_ID, Pipedrive REDIAL_PIPEDRIVE_USER (not secrets).
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
export const webhookSecretEnv: Environment = {
  REDIAL_WEBHOOK_SECRET: $resolve(webhookSecrets.map((secret) => secret.value)).apply((values) =>
    values.join(" "),
  ),
};
export const crmWebhookEnv: Environment =
  crmWebhookUrl && crmWebhookSecret
    ? { REDIAL_CRM_WEBHOOK_URL: crmWebhookUrl, REDIAL_CRM_WEBHOOK_SECRET: crmWebhookSecret.value }
    : {};

const CRMS = ["hubspot", "salesforce", "pipedrive"];
const crmSources = (optionalEnv("REDIAL_CRM_SOURCES") ?? "")
  .toLowerCase()
  .split(/[\s,]+/)
  .filter(Boolean);
for (const source of crmSources) {
  if (!CRMS.includes(source))
    throw new Error(`REDIAL_CRM_SOURCES: unknown CRM "${source}" (known: ${CRMS.join(", ")})`);
}
const crmSecret = (source: string, name: string) =>
  crmSources.includes(source) ? new sst.Secret(name) : undefined;
const hubspotSecret = crmSecret("hubspot", "HubspotSecret");
const salesforceSecret = crmSecret("salesforce", "SalesforceSecret");
const pipedrivePassword = crmSecret("pipedrive", "PipedrivePassword");

/** The CRM sources' variables (packages/functions/src/config.ts); only the API function reads them. */
export const crmSourceEnv: Environment = {
  ...(hubspotSecret ? { REDIAL_HUBSPOT_SECRET: hubspotSecret.value } : {}),
  ...(salesforceSecret
    ? {
        REDIAL_SALESFORCE_SECRET: salesforceSecret.value,
        REDIAL_SALESFORCE_ORG_ID: required("REDIAL_SALESFORCE_ORG_ID"),
      }
    : {}),
  ...(pipedrivePassword
    ? {
        REDIAL_PIPEDRIVE_USER: required("REDIAL_PIPEDRIVE_USER"),
        REDIAL_PIPEDRIVE_PASSWORD: pipedrivePassword.value,
      }
    : {}),
};
