/**
 * `npm run soak`: the long randomized soak (issue 6), on its own DynamoDB Local(s) and SES v2 local
 * server. Defaults: 10,000 prospects, two years (730 days), faults at 1 %, seed 1, one shard. Then
 * the invariant checker reads every shard's whole table. Writes bench/results/soak.json; exits 1 on
 * any violation.
 *
 * `--shards N` starts N DynamoDB Locals, each with its own table holding the prospects of some owners
 * (test/soak/driver.ts): one DynamoDB Local does a table's writes one at a time, so it never uses more
 * than one core. Worth it only with cores to spare: on a 2-core machine two shards were slower.
 *
 *   npm run soak -- --seed 7 --prospects 2000 --days 365 --fault-rate 0.02 --shards 2
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { checkTable, type DynamoDbLocal, freePort, startDynamoDbLocal, startSesLocal } from "@redial/local";
import { runSoak, SOAK_OWNERS, type SoakReport } from "../test/soak/driver.ts";

const RESULTS_DIR = fileURLToPath(new URL("../bench/results/", import.meta.url));

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "1" },
    prospects: { type: "string", default: "10000" },
    days: { type: "string", default: "730" },
    "fault-rate": { type: "string", default: "0.01" },
    workers: { type: "string", default: "16" },
    shards: { type: "string", default: "1" },
  },
});
const number = (name: keyof typeof values) => {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number ≥ 0`);
  return value;
};

const shardCount = number("shards");
if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > SOAK_OWNERS)
  throw new Error(`--shards must be an integer from 1 to ${SOAK_OWNERS}`);

const tableName = "redial-soak";
// Started together; whatever did start is stopped again if anything failed.
const sesStarting = startSesLocal({ port: 0 });
const dynamosStarting = Array.from({ length: shardCount }, () =>
  freePort().then((port) => startDynamoDbLocal({ port, tableName })),
);
const starting = await Promise.allSettled([sesStarting, ...dynamosStarting]);
const stopAll = () =>
  Promise.all(starting.map((started) => (started.status === "fulfilled" ? started.value.stop() : undefined)));
const failed = starting.find((started) => started.status === "rejected");
if (failed) {
  await stopAll();
  throw failed.reason;
}
const ses = await sesStarting;
const dynamos: DynamoDbLocal[] = await Promise.all(dynamosStarting);
try {
  const rss = { max: 0 };
  const sampler = setInterval(() => {
    rss.max = Math.max(rss.max, process.memoryUsage().rss);
  }, 1_000);
  const report: SoakReport = await runSoak({
    seed: number("seed"),
    prospects: number("prospects"),
    days: number("days"),
    faultRate: number("fault-rate"),
    workers: number("workers"),
    shards: dynamos.map((dynamo) => ({ dynamoEndpoint: dynamo.endpoint, tableName })),
    ses,
    progress: (line) => process.stdout.write(`soak: ${line}\n`),
  });
  process.stdout.write(
    `soak: checking every invariant over the whole table of each of ${dynamos.length} shard(s)\n`,
  );
  const checkStarted = Date.now();
  // The shards' checks run at once (each on its own DynamoDB Local); their reports add up.
  const checks = await Promise.all(
    dynamos.map((dynamo) => checkTable({ endpoint: dynamo.endpoint, tableName, playbook: report.playbook })),
  );
  const check = {
    prospects: checks.reduce((sum, c) => sum + c.prospects, 0),
    items: checks.reduce((sum, c) => sum + c.items, 0),
    violations: checks.flatMap((c) => c.violations),
  };
  clearInterval(sampler);
  const { playbook: _playbook, ...figures } = report;
  const result = {
    generatedAt: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown"}, Node ${process.version}`,
    ...figures,
    maxRssMiB: Math.round(rss.max / 2 ** 20),
    check: {
      prospects: check.prospects,
      items: check.items,
      seconds: Math.round((Date.now() - checkStarted) / 100) / 10,
      violations: check.violations.length,
      first: check.violations.slice(0, 20),
    },
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, "soak.json"), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (check.violations.length > 0) process.exitCode = 1;
} finally {
  await stopAll();
}
