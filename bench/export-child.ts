/**
 * One measured export, in its own process so its peak RSS is the export's alone (the benchmark's
 * parent holds the runtime and the seed data). `raw`: a paginated Query of the 16 queue-history
 * partitions of gsi1, items counted and dropped. `export`: GET /v1/exports/recycled through the real
 * app (Hono, in process), the CSV body read to the end and dropped. Prints one JSON line.
 *
 * Bundled with esbuild and run with plain node (as a Lambda runs a bundle), from bench/export.ts:
 *   node export-child.mjs <raw|export> <dynamoEndpoint> <table> <week>   (REDIAL_PLAYBOOK: its path)
 */
import { QueryCommand, type QueryCommandOutput } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient, DynamoStore, SHARDS } from "@redial/aws";
import { isoWeek } from "@redial/core";
import { createApp, createLog, loadPlaybook } from "@redial/functions";
import { loggingTimers } from "../packages/functions/src/timers.ts";

const [mode, endpoint, table, week] = process.argv.slice(2);
if (!mode || !endpoint || !table || !week)
  throw new Error("usage: export-child <raw|export> <endpoint> <table> <week>");

const client = createDocumentClient({ endpoint, region: "local" });
const playbook = loadPlaybook(process.env.REDIAL_PLAYBOOK || undefined);
const started = performance.now();
let rows = 0;
let bytes = 0;

if (mode === "raw") {
  const { start, end } = isoWeek(week, playbook.team.timezone);
  await Promise.all(
    Array.from({ length: SHARDS }, async (_, shard) => {
      let startKey: QueryCommandOutput["LastEvaluatedKey"];
      do {
        const out: QueryCommandOutput = await client.send(
          new QueryCommand({
            TableName: table,
            IndexName: "gsi1",
            KeyConditionExpression: "gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to",
            ExpressionAttributeValues: {
              ":pk": `ENTERED#${shard}`,
              ":from": start.toISOString(),
              ":to": end.toISOString(),
            },
            ExclusiveStartKey: startKey,
          }),
        );
        rows += out.Items?.length ?? 0;
        startKey = out.LastEvaluatedKey;
      } while (startKey);
    }),
  );
} else {
  const log = createLog({ bench: true }, () => {});
  const store = new DynamoStore({ client, tableName: table });
  const token = "bench-token-0123456789";
  const app = createApp({
    store,
    log,
    playbook,
    timers: loggingTimers(log),
    clock: { now: () => new Date() },
    wallClock: { now: () => new Date() },
    config: { webhookSecrets: [`whsec_${Buffer.from("b".repeat(32)).toString("base64")}`], apiToken: token },
  });
  const response = await app.request(`/v1/exports/recycled?week=${week}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status !== 200 || !response.body) throw new Error(`export answered ${response.status}`);
  for await (const chunk of response.body) {
    bytes += chunk.byteLength;
    for (const byte of chunk) if (byte === 10) rows++; // line ends; the header and quoted notes add a few
  }
}

const ms = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({ mode, ms: Math.round(ms), rows, bytes, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
);
client.destroy();
