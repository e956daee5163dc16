/**
 * The API's Lambda entry: the same app as locally, wired to DynamoDB and EventBridge Scheduler
 * (aws-deps.ts). Built once per cold start.
 */
// hono/aws-lambda is deprecated in favour of @hono/aws-lambda (removed in hono v5); swap when that is installed.
import { handle } from "hono/aws-lambda";
import { baseDeps } from "../aws-deps.ts";
import { appSettings, createApp } from "./app.ts";

const { config, ...deps } = baseDeps("api");

export const handler = handle(
  createApp({
    ...deps,
    wallClock: deps.clock,
    ...appSettings(config),
  }),
);
