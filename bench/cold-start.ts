/**
 * Cold start (issue 5): each Lambda bundle (scripts/build-functions.ts, the AWS SDK external as in
 * the nodejs22.x runtime) started in a fresh `node` process, timed from the process's start to its
 * first request served (import + the first invocation of a cheap request), next to a minimal handler
 * bundle that imports and constructs only the same AWS SDK clients (DynamoDB + its document client,
 * SES v2, Scheduler) and serves its first request with the same AWS calls the function's cheap
 * request makes (none, one BatchGetItem, or the 16 Queries of the due index): the SDK's own first-call
 * cost (endpoint, credentials, sockets) is then on both sides, and the ratio is Redial's code alone.
 * Same build settings, same machine, same run, interleaved.
 * Target: each function's median ≤ 1.5 × its minimal handler's.
 *
 * The cheap requests: api GET /health; timers a stale payload (one DynamoDB read); ses-events a
 * delivery event (only logged); export with no recipients (skipped, no I/O); any other entry (the
 * reconciliation) its scheduled call (one Query of the due index). The clock is each child's own
 * performance.now() (time origin: process start), so node's own start-up is in both sides.
 */
import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { lambdaEnv, type Runtime } from "@redial/local";
import { build } from "esbuild";
import { banner, buildFunctions, ROOT } from "../scripts/build-functions.ts";
import { fmt, log, median, round2 } from "./common.ts";

export const COLD_START_RUNS = 5;
export const COLD_START_TARGET = 1.5;
const OUT_DIR = join(ROOT, `.build/bench/functions-${process.pid}`);
const INVOKER = join(ROOT, "scripts/invoke-bundle.mjs");
const run = promisify(execFile);

export interface ColdStartRow {
  name: string;
  request: string;
  bytes: number;
  /** Process start → handler imported, ms, one per run. */
  importedMs: number[];
  /** Process start → first response, ms, one per run. */
  firstResponseMs: number[];
  medianImportedMs: number;
  medianFirstResponseMs: number;
  /** medianFirstResponseMs ÷ the minimal handler's. */
  ratio: number;
}

export interface ColdStartResults {
  runs: number;
  note: string;
  baselines: Omit<ColdStartRow, "ratio">[];
  functions: ColdStartRow[];
  target: number;
}

/** The AWS calls a function's cheap first request makes; the minimal handler makes the same. */
type Io = "none" | "get" | "query";

const MINIMAL_HANDLER = `
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const clients = [doc, new SESv2Client({}), new SchedulerClient({})];
const TableName = process.env.REDIAL_TABLE_NAME;
export const handler = async (event) => {
  if (event?.io === "get")
    await doc.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: [{ pk: "P#bench:cold", sk: "PROFILE" }], ConsistentRead: true } } }));
  if (event?.io === "query")
    await Promise.all(Array.from({ length: 16 }, (_, shard) => doc.send(new QueryCommand({
      TableName, IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :pk AND gsi1sk <= :now",
      ExpressionAttributeValues: { ":pk": "TIMER#" + shard, ":now": new Date().toISOString() }, Limit: 100,
    }))));
  return { statusCode: 200, body: String(clients.length) };
};
`;

function healthEvent() {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/health",
    rawQueryString: "",
    headers: { host: "api.example" },
    requestContext: {
      domainName: "api.example",
      http: {
        method: "GET",
        path: "/health",
        protocol: "HTTP/1.1",
        sourceIp: "127.0.0.1",
        userAgent: "bench",
      },
      requestId: "bench",
      routeKey: "$default",
      stage: "$default",
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
  };
}

/** The cheap first request per function, and what it is, for the table. */
function cheapRequest(name: string): { request: string; event: unknown; io: Io } {
  switch (name) {
    case "api":
      return { request: "GET /health", event: healthEvent(), io: "none" };
    case "timers":
      return {
        request: "stale timer payload (1 DynamoDB read)",
        event: { prospectId: "bench:cold", timerId: "gone", kind: "call", at: "2026-11-17T15:00:00Z" },
        io: "get",
      };
    case "ses-events":
      return {
        request: "SES delivery event (logged only)",
        event: JSON.parse(readFileSync(join(ROOT, "test/fixtures/ses/delivery.json"), "utf8")),
        io: "none",
      };
    case "export":
      return { request: "weekly export, no recipients (skipped)", event: {}, io: "none" };
    default:
      return { request: "scheduled invocation (the due index: 16 Queries)", event: {}, io: "query" };
  }
}

const BASELINE_REQUESTS: Record<Io, string> = {
  none: "no AWS call",
  get: "1 BatchGetItem",
  query: "16 Queries of the due index",
};

export async function benchColdStart(runtime: Runtime): Promise<ColdStartResults> {
  const report = await buildFunctions(OUT_DIR);
  const baselineFile = join(OUT_DIR, "minimal", "index.mjs");
  await build({
    stdin: { contents: MINIMAL_HANDLER, resolveDir: ROOT, loader: "js" },
    outfile: baselineFile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    minify: true,
    external: ["@aws-sdk/*"],
    banner: { js: banner(null) },
    logLevel: "warning",
  });
  const env = {
    ...lambdaEnv(runtime),
    // The export's cheap first request is the run with no recipients (skipped, no I/O).
    REDIAL_EXPORT_RECIPIENTS: "",
    // The AWS SDK's Node-version notice is a warning on stderr: not part of what is timed.
    NODE_NO_WARNINGS: "1",
  };
  const child = async (bundle: string, event: unknown) => {
    const { stdout } = await run(process.execPath, [INVOKER, bundle, JSON.stringify([event])], {
      cwd: ROOT,
      env,
      maxBuffer: 16 << 20,
    });
    const line = stdout.split("\n").find((l) => l.startsWith("@@result "));
    const result = JSON.parse(line?.slice("@@result ".length) ?? "{}") as {
      importedMs: number;
      firstResponseMs: number;
      results: unknown[];
      loadError?: string;
    };
    const first = result.results?.[0] as { error?: string } | undefined;
    if (result.loadError || first?.error) {
      throw new Error(`${bundle}: ${result.loadError ?? first?.error}`);
    }
    return result;
  };

  const entries = report.functions.map((f) => ({ ...f, ...cheapRequest(f.name) }));
  const samples = new Map<string, { importedMs: number[]; firstResponseMs: number[] }>();
  const sample = (name: string) => {
    const found = samples.get(name) ?? { importedMs: [], firstResponseMs: [] };
    samples.set(name, found);
    return found;
  };
  // One warm-up round (the OS file cache, DynamoDB Local's JIT), then interleaved measured rounds.
  for (let round = 0; round <= COLD_START_RUNS; round++) {
    const measured = [
      ...(["none", "get", "query"] as const).map((io) => ({
        name: `minimal:${io}`,
        run: () => child(baselineFile, { io }),
      })),
      ...entries.map((e) => ({
        name: e.name,
        run: () => child(join(OUT_DIR, e.name, "index.mjs"), e.event),
      })),
    ];
    for (const { name, run: go } of measured) {
      const result = await go();
      if (round === 0) continue;
      sample(name).importedMs.push(round2(result.importedMs));
      sample(name).firstResponseMs.push(round2(result.firstResponseMs));
    }
    if (round > 0) {
      const line = [...samples].map(([name, s]) => `${name} ${fmt(s.firstResponseMs.at(-1))}`).join(", ");
      log(`cold start round ${round}/${COLD_START_RUNS} (ms to first response): ${line}`);
    }
  }

  const baselineMs = (io: Io) => median(sample(`minimal:${io}`).firstResponseMs);
  const results: ColdStartResults = {
    runs: COLD_START_RUNS,
    note: "Each bundle in a fresh node process, @aws-sdk/* external (from node_modules, as the Lambda runtime provides it); ms from process start to the first response, medians of interleaved runs after one warm-up round. Each function is compared with the minimal handler making the same AWS calls as its first request.",
    baselines: (["none", "get", "query"] as const).map((io) => {
      const base = sample(`minimal:${io}`);
      return {
        name: `minimal handler (the same AWS SDK clients; ${BASELINE_REQUESTS[io]})`,
        request: BASELINE_REQUESTS[io],
        bytes: Buffer.byteLength(readFileSync(baselineFile)),
        importedMs: base.importedMs,
        firstResponseMs: base.firstResponseMs,
        medianImportedMs: round2(median(base.importedMs)),
        medianFirstResponseMs: round2(baselineMs(io)),
      };
    }),
    functions: entries.map((e) => {
      const s = sample(e.name);
      const medianFirstResponseMs = median(s.firstResponseMs);
      return {
        name: e.name,
        request: e.request,
        bytes: e.bytes,
        importedMs: s.importedMs,
        firstResponseMs: s.firstResponseMs,
        medianImportedMs: round2(median(s.importedMs)),
        medianFirstResponseMs: round2(medianFirstResponseMs),
        ratio: round2(medianFirstResponseMs / baselineMs(e.io)),
      };
    }),
    target: COLD_START_TARGET,
  };
  rmSync(OUT_DIR, { recursive: true, force: true });
  return results;
}

/** The cold-start rows of the benchmark's Markdown table. */
export function coldStartRows(c: ColdStartResults): string {
  const check = (ok: boolean) => (ok ? "✅" : "❌");
  const ms = (values: number[]) => values.map(fmt).join(", ");
  const base = c.baselines
    .map(
      (b) =>
        `| cold start, ${b.name}, ms to first response (import ${fmt(b.medianImportedMs)} ms) | ${fmt(b.medianFirstResponseMs)} | ${ms(b.firstResponseMs)} | |\n`,
    )
    .join("");
  return (
    base +
    c.functions
      .map(
        (f) =>
          `| cold start, ${f.name} (${fmt(f.bytes / 1000)} KB; ${f.request}), ms to first response (import ${fmt(f.medianImportedMs)} ms) | ${fmt(f.medianFirstResponseMs)} | ${ms(f.firstResponseMs)} | ÷ its minimal: ${f.ratio} ≤ ${c.target} ${check(f.ratio <= c.target)} |`,
      )
      .join("\n") +
    "\n"
  );
}
