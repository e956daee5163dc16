import { functionDefaults, optionalEnv } from "./config";
import { functionConfig } from "./function-config";
import { schedulerPermissions } from "./scheduler";

/**
 * The public API: one HTTP API, one Lambda serving the Hono app (packages/functions/src/api/app.ts).
 * REDIAL_API_DOMAIN at deploy time puts it on a custom domain (DNS in Route 53 by default).
 */
const domain = optionalEnv("REDIAL_API_DOMAIN");

export const api = new sst.aws.ApiGatewayV2("Api", domain ? { domain } : {});

/** Unsubscribe links and the export mail point here: REDIAL_PUBLIC_URL, else the domain, else the API's URL. */
export const publicUrl = optionalEnv("REDIAL_PUBLIC_URL") ?? (domain ? `https://${domain}` : api.url);

export const apiFunction = new sst.aws.Function("ApiFunction", {
  ...functionDefaults,
  handler: "packages/functions/src/api/lambda.handler",
  memory: "512 MB",
  timeout: "10 seconds",
  // The API's parts: the table (its link grants the store's DynamoDB actions, storage.ts), the
  // webhook secrets and the API token (only here), the CRMs' own webhooks, unsubscribe pages.
  ...functionConfig("api", { REDIAL_PUBLIC_URL: publicUrl }),
  // Ingest plans and cancels timers; the API sends no email.
  permissions: schedulerPermissions,
});

api.route("$default", apiFunction.arn);
