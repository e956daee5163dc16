/**
 * The one HTTP app, served by Lambda in AWS (lambda.ts) and by Node locally (packages/local).
 * Handlers parse, call one use-case and map the result; every error goes through problem.ts.
 */
import type { Clock, IngestDeps } from "@redial/core";
import { Hono } from "hono";
import type { ConfigOf, CrmSources } from "../config/index.ts";
import { bearerAuth } from "./auth.ts";
import { openApiDocument } from "./openapi.ts";
import { notFound, onError } from "./problem.ts";
import { getCallQueue } from "./routes/call-queue.ts";
import { postEvent } from "./routes/events.ts";
import { getRecycledExport } from "./routes/exports.ts";
import { postImport } from "./routes/imports.ts";
import { getProspect } from "./routes/prospects.ts";
import { postSourceEvent } from "./routes/sources.ts";
import { addSuppression, listSuppressions, removeSuppression } from "./routes/suppressions.ts";
import { unsubscribe, unsubscribePage } from "./routes/unsubscribe.ts";

export interface ApiConfig {
  /** `whsec_…` secrets; any one verifies a webhook, so a secret can rotate without downtime. */
  webhookSecrets: string[];
  apiToken: string;
}

export type AppDeps = IngestDeps & {
  config: ApiConfig;
  /** The machine's real clock, for the webhook timestamp window; `clock` is business time (CONTRACT.md). */
  wallClock: Clock;
  /** Signs and verifies unsubscribe links (REDIAL_UNSUBSCRIBE_KEY); without it /u/{token} answers 404. */
  unsubscribeKey?: string;
  /** The CRMs' own webhooks' credentials; absent, routes/sources.ts reads them from the environment. */
  crm?: CrmSources;
};

/** What the app takes from the API's parts of the configuration: the same in Lambda and locally. */
export function appSettings(
  config: ConfigOf<"inbound" | "crmSources" | "links" | "unsubscribe">,
): Pick<AppDeps, "config" | "unsubscribeKey" | "crm"> {
  return {
    config: { webhookSecrets: config.webhookSecrets, apiToken: config.apiToken },
    unsubscribeKey: config.unsubscribeKey,
    crm: {
      hubspot: config.hubspot,
      salesforce: config.salesforce,
      pipedrive: config.pipedrive,
      publicUrl: config.publicUrl,
    },
  };
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const operator = bearerAuth(deps.config.apiToken);

  app.get("/health", (c) => c.json({ status: "ok" }));
  app.get("/openapi.json", (c) => c.json(openApiDocument()));
  app.post("/v1/events", postEvent(deps));
  app.post("/v1/sources/:source/events", postSourceEvent(deps));
  app.post("/v1/imports", operator, postImport(deps));
  app.get("/v1/prospects/:id", operator, getProspect(deps));
  app.get("/v1/call-queue", operator, getCallQueue(deps));
  app.get("/v1/exports/recycled", operator, getRecycledExport(deps));
  app.get("/v1/suppressions", operator, listSuppressions(deps));
  app.post("/v1/suppressions", operator, addSuppression(deps));
  app.delete("/v1/suppressions/:email", operator, removeSuppression(deps));
  if (deps.unsubscribeKey) {
    app.get("/u/:token", unsubscribePage(deps.unsubscribeKey));
    app.post("/u/:token", unsubscribe(deps, deps.unsubscribeKey));
  }

  app.onError(onError(deps.log));
  app.notFound(notFound);
  return app;
}
