import type { LinkedResource } from "../packages/functions/src/config/linked";
import { type Environment, optionalEnv, required } from "./config";

/**
 * Secrets, set per stage with `npx sst secret set <Name> <value> --stage prod`. None is ever in a
 * function's environment: each is linked (encrypted into the bundle, read by linkedEnvironment())
 * to the functions whose parts read it (stacks/function-config.ts).
 *
 * - WebhookSecret: the inbound webhooks' `whsec_…` secret(s), space-separated while one rotates.
 * - REDIAL_CRM_SOURCES="hubspot salesforce acme" at deploy time names the systems that send events,
 *   one variable for all of them: each gets its own /v1/events secret (WebhookSecretHubspot,
 *   WebhookSecretAcme, …; a signature by any of them passes), and a source that is one of Redial's
 *   native connectors (docs/crm/) also gets that connector's credentials: HubspotSecret;
 *   SalesforceSecret and REDIAL_SALESFORCE_ORG_ID; PipedrivePassword and REDIAL_PIPEDRIVE_USER.
 * - ApiToken: the operators' bearer token. UnsubscribeKey: the HMAC key of unsubscribe links.
 * - CrmWebhookSecret: only with REDIAL_CRM_WEBHOOK_URL set (the CRM is notified, issue 4).
 */
if (optionalEnv("REDIAL_WEBHOOK_SOURCES")) {
  // A deploy script from before would otherwise lose its sources' secrets without a word.
  throw new Error(
    "REDIAL_WEBHOOK_SOURCES is now REDIAL_CRM_SOURCES (docs/deploy.md): rename it and deploy again",
  );
}

const SOURCE_NAME = /^[a-z0-9]+$/;
const named = (optionalEnv("REDIAL_CRM_SOURCES") ?? "").split(/[\s,]+/).filter(Boolean);
const badNames = named.filter((source) => !SOURCE_NAME.test(source));
if (badNames.length > 0) {
  // The name becomes part of a secret's name (WebhookSecret<Source>): no room for guessing.
  throw new Error(
    `REDIAL_CRM_SOURCES: not a source name: ${badNames.map((name) => `"${name}"`).join(", ")} ` +
      `(each is lowercase letters and digits, space-separated: "hubspot salesforce acme")`,
  );
}
/** The sources named at deploy time, each once. */
export const crmSources = [...new Set(named)];

const pascal = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

export const webhookSecrets = [
  new sst.Secret("WebhookSecret"),
  ...crmSources.map((source) => new sst.Secret(`WebhookSecret${pascal(source)}`)),
];

/** One link for all of them, so a function reads REDIAL_WEBHOOK_SECRET as one space-separated value. */
const joinedWebhookSecrets = new sst.Linkable("WebhookSecrets", {
  properties: {
    value: $resolve(webhookSecrets.map((secret) => secret.value)).apply((values) => values.join(" ")),
  },
});

export const secrets = {
  apiToken: new sst.Secret("ApiToken"),
  unsubscribeKey: new sst.Secret("UnsubscribeKey"),
};

/** The CRM's outbound webhook: both or neither (the crmWebhook part checks the pair at start-up too). */
export const crmWebhookUrl = optionalEnv("REDIAL_CRM_WEBHOOK_URL");
const crmWebhookSecret = crmWebhookUrl ? new sst.Secret("CrmWebhookSecret") : undefined;

const connectorSecret = (source: string, name: string) =>
  crmSources.includes(source) ? new sst.Secret(name) : undefined;
const hubspotSecret = connectorSecret("hubspot", "HubspotSecret");
const salesforceSecret = connectorSecret("salesforce", "SalesforceSecret");
const pipedrivePassword = connectorSecret("pipedrive", "PipedrivePassword");

type Linked = sst.Secret | sst.Linkable<Record<string, unknown>>;

/** Every secret this stage has, by the name linkedEnvironment() reads it under (config/linked.ts). */
export const linkedSecrets: Partial<Record<LinkedResource, Linked>> = {
  WebhookSecrets: joinedWebhookSecrets,
  ApiToken: secrets.apiToken,
  UnsubscribeKey: secrets.unsubscribeKey,
  ...(crmWebhookSecret ? { CrmWebhookSecret: crmWebhookSecret } : {}),
  ...(hubspotSecret ? { HubspotSecret: hubspotSecret } : {}),
  ...(salesforceSecret ? { SalesforceSecret: salesforceSecret } : {}),
  ...(pipedrivePassword ? { PipedrivePassword: pipedrivePassword } : {}),
};

/** What goes with those secrets and is not secret: in the environment of the functions that read it. */
export const crmSettings: Environment = {
  ...(crmWebhookUrl ? { REDIAL_CRM_WEBHOOK_URL: crmWebhookUrl } : {}),
  ...(salesforceSecret ? { REDIAL_SALESFORCE_ORG_ID: required("REDIAL_SALESFORCE_ORG_ID") } : {}),
  ...(pipedrivePassword ? { REDIAL_PIPEDRIVE_USER: required("REDIAL_PIPEDRIVE_USER") } : {}),
};
