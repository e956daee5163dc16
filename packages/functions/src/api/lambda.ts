/**
 * The API's Lambda entry: the same app as locally, wired to DynamoDB. Everything is built once per
 * cold start; a bad configuration fails the cold start with every wrong variable named.
 */
import { createDocumentClient, DynamoStore } from "@redial/aws";
import type { Clock } from "@redial/core";
// hono/aws-lambda is deprecated in favour of @hono/aws-lambda (removed in hono v5); swap when that is installed.
import { handle } from "hono/aws-lambda";
import { loadConfig } from "../config.ts";
import { createLog } from "../log.ts";
import { loadPlaybook } from "../playbook.ts";
import { loggingTimers } from "../timers.ts";
import { createApp } from "./app.ts";

const config = loadConfig();
const log = createLog({ service: "redial-api" });
// In AWS business time is real time; only the local runtime moves `clock` away from `wallClock`.
const clock: Clock = { now: () => new Date() };

export const handler = handle(
  createApp({
    store: new DynamoStore({ client: createDocumentClient(), tableName: config.tableName, clock }),
    timers: loggingTimers(log),
    clock,
    wallClock: clock,
    log,
    playbook: loadPlaybook(undefined, config.teamTimezone),
    config: { webhookSecrets: config.webhookSecrets, apiToken: config.apiToken },
  }),
);
