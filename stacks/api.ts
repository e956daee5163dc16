import { stageConfig } from "./config";
import { secrets } from "./secrets";
import { table } from "./storage";

/** The public API: one HTTP API, one Lambda serving the Hono app (packages/functions/src/api/app.ts). */
export const api = new sst.aws.ApiGatewayV2("Api");

api.route("$default", {
  handler: "packages/functions/src/api/lambda.handler",
  runtime: "nodejs22.x",
  architecture: "arm64",
  memory: "512 MB",
  timeout: "10 seconds",
  link: [table, ...Object.values(secrets)],
  // The playbook a team edits ships next to the code; loadPlaybook() reads REDIAL_PLAYBOOK.
  copyFiles: [{ from: "playbook", to: "playbook" }],
  environment: {
    REDIAL_TABLE_NAME: table.name,
    REDIAL_WEBHOOK_SECRET: secrets.webhook.value,
    REDIAL_API_TOKEN: secrets.apiToken.value,
    REDIAL_PLAYBOOK: "playbook/playbook.yaml",
    // Unsubscribe links point here; a custom domain overrides it.
    REDIAL_PUBLIC_URL: process.env.REDIAL_PUBLIC_URL ?? api.url,
    ...stageConfig,
  },
});
