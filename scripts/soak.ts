/**
 * `npm run soak`: the long randomized soak (issue 6), on its own DynamoDB Local and SES v2 local
 * server. Defaults: 10,000 prospects, two years (730 days), faults at 1 %, seed 1. Then the
 * invariant checker reads the whole table. Writes bench/results/soak.json; exits 1 on any violation.
 *
 *   npm run soak -- --seed 7 --prospects 2000 --days 365 --fault-rate 0.02
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { checkTable, freePort, startDynamoDbLocal, startSesLocal } from "@redial/local";
import { runSoak, type SoakReport } from "../test/soak/driver.ts";

const RESULTS_DIR = fileURLToPath(new URL("../bench/results/", import.meta.url));

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "1" },
    prospects: { type: "string", default: "10000" },
    days: { type: "string", default: "730" },
    "fault-rate": { type: "string", default: "0.01" },
    workers: { type: "string", default: "16" },
  },
});
const number = (name: keyof typeof values) => {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number ≥ 0`);
  return value;
};

const tableName = "redial-soak";
const [dynamo, ses] = await Promise.all([
  freePort().then((port) => startDynamoDbLocal({ port, tableName })),
  startSesLocal({ port: 0 }),
]);
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
    dynamoEndpoint: dynamo.endpoint,
    sesUrl: ses.url,
    tableName,
    progress: (line) => process.stdout.write(`soak: ${line}\n`),
  });
  process.stdout.write("soak: checking every invariant over the whole table\n");
  const checkStarted = Date.now();
  const check = await checkTable({ endpoint: dynamo.endpoint, tableName, playbook: report.playbook });
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
  await Promise.all([dynamo.stop(), ses.stop()]);
}
