import { type Environment, functionDefaults, optionalEnv, stageConfig } from "./config";
import { schedulerEnv, schedulerPermissions } from "./scheduler";
import { crmSourceEnv, crmWebhookEnv, secrets, webhookSecretEnv } from "./secrets";
import { table } from "./storage";

/**
 * The public API: one HTTP API, one Lambda serving the Hono app (packages/functions/src/api/app.ts).
 * REDIAL_API_DOMAIN at deploy time puts it on a custom domain (DNS in Route 53 by default).
 */
const domain = optionalEnv("REDIAL_API_DOMAIN");

export const api = new sst.aws.ApiGatewayV2("Api", domain ? { domain } : {});

/** Unsubscribe links and the export mail point here: REDIAL_PUBLIC_URL, else the domain, else the API's URL. */
export const publicUrl = optionalEnv("REDIAL_PUBLIC_URL") ?? (domain ? `https://${domain}` : api.url);

/** What every function's loadConfig() requires, whatever the function does. */
export const baseEnv: Environment = {
  ...webhookSecretEnv,
  REDIAL_API_TOKEN: secrets.apiToken.value,
  REDIAL_PUBLIC_URL: publicUrl,
  REDIAL_TABLE_NAME: table.name,
  ...stageConfig,
};

export const apiFunction = new sst.aws.Function("ApiFunction", {
  ...functionDefaults,
  handler: "packages/functions/src/api/lambda.handler",
  memory: "512 MB",
  timeout: "10 seconds",
  // The table: SST grants the function DynamoDB access on it and its indexes.
  link: [table],
  // Ingest plans and cancels timers; the API sends no email.
  permissions: schedulerPermissions,
  environment: {
    ...baseEnv,
    ...schedulerEnv,
    ...crmWebhookEnv,
    // The CRMs' own webhooks (POST /v1/sources/{crm}/events): only the API receives them.
    ...crmSourceEnv,
    REDIAL_UNSUBSCRIBE_KEY: secrets.unsubscribeKey.value,
  },
});

api.route("$default", apiFunction.arn);
