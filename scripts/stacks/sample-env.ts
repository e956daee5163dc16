/**
 * A deploying shell's environment for the mocked run (the test's, and the CLI's defaults): what
 * stacks/config.ts requires, the optional features switched on so their resources are declared too
 * (the alarm e-mail, the outbound CRM webhook, two CRM sources), and one value per
 * `sst.Secret` those declare (SST passes each secret as SST_SECRET_<Name>; a missing one fails).
 * Every `whsec_` value is 32 bytes: the functions refuse one under 24 at start.
 */
export const SAMPLE_ENV: Record<string, string> = {
  REDIAL_POSTAL_ADDRESS: "Acme Inc., 1 Main St, Springfield",
  REDIAL_EMAIL_DOMAIN: "acme.example",
  REDIAL_ALARM_EMAIL: "ops@acme.example",
  REDIAL_CRM_WEBHOOK_URL: "https://crm.acme.example/hooks/redial",
  // Two sources with a native connector each: their /v1/events secrets and their credentials.
  REDIAL_CRM_SOURCES: "hubspot salesforce",
  REDIAL_SALESFORCE_ORG_ID: "00D5e000000AbCdEAF",
  SST_SECRET_WebhookSecret: "whsec_bW9ja2VkLXdlYmhvb2stc2VjcmV0LTAxMjM0NTY3ODk=",
  SST_SECRET_WebhookSecretHubspot: "whsec_bW9ja2VkLWh1YnNwb3Qtc291cmNlLTAxMjM0NTY3ODk=",
  SST_SECRET_WebhookSecretSalesforce: "whsec_bW9ja2VkLXNhbGVzZm9yY2Utc3JjLTAxMjM0NTY3ODk=",
  SST_SECRET_ApiToken: "mocked-api-token",
  SST_SECRET_UnsubscribeKey: "mocked-unsubscribe-key",
  SST_SECRET_CrmWebhookSecret: "whsec_bW9ja2VkLWNybS13ZWJob29rLXNlY3JldC0wMTIzNDU=",
  SST_SECRET_HubspotSecret: "mocked-hubspot-client-secret",
  SST_SECRET_SalesforceSecret: "mocked-salesforce-token-0123456789",
};
