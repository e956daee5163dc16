/**
 * `npm start`: the whole of Redial on this machine. Starts the runtime, prints where everything is
 * and a signed request to paste, and on Ctrl-C stops the timer loop, the server and java, then exits 0.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { signWebhook } from "@redial/functions";
import { LOCAL_HOST } from "./address.ts";
import { requireJava } from "./java.ts";
import { DEV_API_TOKEN, DEV_WEBHOOK_SECRET, type Runtime, startRuntime } from "./runtime.ts";

export async function start(): Promise<void> {
  requireJava();
  let runtime: Runtime;
  try {
    runtime = await startRuntime();
  } catch (error) {
    console.error(`Redial could not start: ${(error as Error).message}`);
    process.exit(1);
  }
  process.stdout.write(banner(runtime));

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`\n${signal} again: exiting without waiting.`);
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: stopping (timer loop, HTTP server, SES, DynamoDB Local)…`);
    await runtime.stop();
    console.log("Stopped.");
    process.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, shutdown);
}

export function banner(runtime: Runtime): string {
  const { config } = runtime;
  const secret = config.webhookSecrets[0] ?? DEV_WEBHOOK_SECRET;
  const devSecret = secret === DEV_WEBHOOK_SECRET;
  const devToken = config.apiToken === DEV_API_TOKEN;
  const storage = config.dataDir
    ? `persisted in ${config.dataDir}`
    : "in memory (REDIAL_DATA_DIR to keep data)";
  const example = signedExample(runtime, secret);
  return `
Redial is running locally.

  API              ${runtime.url}   (GET /health, GET /openapi.json)
  Inbox (SES v2)   ${runtime.sesUrl}   (sent mail as JSON: GET ${runtime.sesUrl}/store)
  DynamoDB Local   ${runtime.dynamoEndpoint}   table "${config.tableName}", ${storage}
  Business clock   ${runtime.clock.now().toISOString()}   (GET/POST ${runtime.url}/_dev/clock)
  Listening on     ${runtime.host === LOCAL_HOST ? `${LOCAL_HOST} only   (REDIAL_HOST to open it to other machines)` : `${runtime.host}   (REDIAL_HOST)`}
  CRM webhook      ${config.crmWebhook ? `${config.crmWebhook.url}   (recycles and callbacks that come due, signed)` : "off   (set REDIAL_CRM_WEBHOOK_URL and REDIAL_CRM_WEBHOOK_SECRET)"}

  Webhook secret   ${devSecret ? `${secret}   (dev default; set REDIAL_WEBHOOK_SECRET to change)` : "from REDIAL_WEBHOOK_SECRET"}
  API token        ${devToken ? `${config.apiToken}   (dev default; set REDIAL_API_TOKEN to change)` : "from REDIAL_API_TOKEN"}

Send a signed event (signed just now: the timestamp is accepted for 5 minutes;
re-sign any body with \`npm run -s redial -- sign body.json\`):

${example.command}

Then see what Redial decided:

curl -s ${runtime.url}/v1/prospects/${encodeURIComponent(example.prospectId)} -H 'authorization: Bearer ${devToken ? config.apiToken : "$REDIAL_API_TOKEN"}'

Move business time (runs the timers that come due):

curl -s ${runtime.url}/_dev/clock -H 'content-type: application/json' -d '{"advance":"P3D"}'

Ctrl-C stops everything.
`;
}

/** A curl command for one `call.rejected`, signed with `secret` at the wall clock's now. */
export function signedExample(runtime: Runtime, secret: string): { command: string; prospectId: string } {
  const wallSeconds = Math.floor(Date.now() / 1000);
  const prospectId = `demo:${wallSeconds.toString(36)}`;
  const body = JSON.stringify({
    type: "call.rejected",
    occurredAt: runtime.clock.now().toISOString(),
    prospect: {
      id: prospectId,
      email: "dana.lee@northwind.example",
      firstName: "Dana",
      company: "Northwind Logistics",
      timezone: "America/Chicago",
      tier: "A",
      owner: { id: "rep-7", email: "wendy@acme.example", name: "Wendy Ward" },
    },
    reason: "all_set",
    note: "Renewed with their current vendor in September.",
  });
  const id = `msg_demo_${wallSeconds}`;
  const signature = signWebhook({ id, timestamp: wallSeconds, body, secret });
  const command = [
    `curl -i ${runtime.url}/v1/events`,
    `  -H 'content-type: application/json'`,
    `  -H 'webhook-id: ${id}'`,
    `  -H 'webhook-timestamp: ${wallSeconds}'`,
    `  -H 'webhook-signature: ${signature}'`,
    `  --data-binary '${body}'`,
  ].join(" \\\n");
  return { command, prospectId };
}

const entry = process.argv[1];
if (entry && resolve(entry) === fileURLToPath(import.meta.url)) await start();
