/**
 * Cold start (issue 5): each Lambda bundle (scripts/build-functions.ts, the AWS SDK external as in
 * the nodejs22.x runtime) started in a fresh `node` process, timed from the process's start to its
 * first request served (import + the first invocation of a cheap request), next to a minimal handler
 * bundle that imports and constructs only the same AWS SDK clients (those the function's bundle
 * imports, from the build's metafile) and serves its first request with the same AWS calls the function's cheap
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

export const COLD_START_RUNS = 7;
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

/** What a minimal handler constructs for each AWS SDK package a bundle imports. */
const CLIENTS: Record<string, { name: string; make: string }> = {
  "@aws-sdk/client-dynamodb": { name: "DynamoDBClient", make: "" },
  "@aws-sdk/lib-dynamodb": { name: "DynamoDBDocumentClient", make: "" },
  "@aws-sdk/client-sesv2": { name: "SESv2Client", make: "new SESv2Client({})" },
  "@aws-sdk/client-scheduler": { name: "SchedulerClient", make: "new SchedulerClient({})" },
};

/**
 * A handler importing the same AWS SDK packages as a function's bundle, constructing their clients,
 * and making the AWS calls of the function's cheap request (`event.io`): the SDK's cost, nothing else.
 */
export function minimalHandler(awsSdk: string[]): string {
  const unknown = awsSdk.filter((pkg) => !CLIENTS[pkg]);
  if (unknown.length)
    throw new Error(`The minimal handler does not know ${unknown.join(", ")}: add it to CLIENTS`);
  // DynamoDB (both packages) is imported below in any case: every Redial function uses it.
  const imports = awsSdk
    .filter((pkg) => !pkg.includes("dynamodb"))
    .map((pkg) => `import { ${CLIENTS[pkg]?.name} } from "${pkg}";`);
  return `
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
${imports.join("\n")}
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const clients = [doc, ${awsSdk
    .map((pkg) => CLIENTS[pkg]?.make)
    .filter(Boolean)
    .join(", ")}];
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
}

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
  const entries = report.functions.map((f) => ({ ...f, ...cheapRequest(f.name) }));
  // One minimal handler per function: its AWS SDK packages, built with the same settings.
  const minimalFile = (name: string) => join(OUT_DIR, `minimal-${name}`, "index.mjs");
  for (const e of entries) {
    await build({
      stdin: { contents: minimalHandler(e.awsSdk), resolveDir: ROOT, loader: "js" },
      outfile: minimalFile(e.name),
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node22",
      minify: true,
      keepNames: true,
      external: ["@aws-sdk/*"],
      banner: { js: banner(null) },
      logLevel: "warning",
    });
  }
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

  const samples = new Map<string, { importedMs: number[]; firstResponseMs: number[] }>();
  const sample = (name: string) => {
    const found = samples.get(name) ?? { importedMs: [], firstResponseMs: [] };
    samples.set(name, found);
    return found;
  };
  // One warm-up round (the OS file cache, DynamoDB Local's JIT), then interleaved measured rounds:
  // each function right after its minimal handler, so both see the same machine load.
  for (let round = 0; round <= COLD_START_RUNS; round++) {
    const measured = entries.flatMap((e) => [
      { name: `minimal:${e.name}`, run: () => child(minimalFile(e.name), { io: e.io }) },
      { name: e.name, run: () => child(join(OUT_DIR, e.name, "index.mjs"), e.event) },
    ]);
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

  const row = (name: string) => {
    const s = sample(name);
    return {
      importedMs: s.importedMs,
      firstResponseMs: s.firstResponseMs,
      medianImportedMs: round2(median(s.importedMs)),
      medianFirstResponseMs: round2(median(s.firstResponseMs)),
    };
  };
  const results: ColdStartResults = {
    runs: COLD_START_RUNS,
    note: "Each bundle in a fresh node process, @aws-sdk/* external (from node_modules, as the Lambda runtime provides it); ms from process start to the first response, medians of interleaved runs after one warm-up round. Each function is compared with its minimal handler: the same AWS SDK packages and clients, the same AWS calls as the function's first request, nothing else.",
    baselines: entries.map((e) => ({
      name: `minimal handler for ${e.name} (${e.awsSdk.map((p) => p.replace("@aws-sdk/", "")).join(", ")}; ${BASELINE_REQUESTS[e.io]})`,
      request: BASELINE_REQUESTS[e.io],
      bytes: Buffer.byteLength(readFileSync(minimalFile(e.name))),
      ...row(`minimal:${e.name}`),
    })),
    functions: entries.map((e) => {
      const own = row(e.name);
      return {
        name: e.name,
        request: e.request,
        bytes: e.bytes,
        ...own,
        ratio: round2(own.medianFirstResponseMs / row(`minimal:${e.name}`).medianFirstResponseMs),
      };
    }),
    target: COLD_START_TARGET,
  };
  rmSync(OUT_DIR, { recursive: true, force: true });
  return results;
}

/** The cold-start rows of the benchmark's Markdown table: each function under its minimal handler. */
export function coldStartRows(c: ColdStartResults): string {
  const check = (ok: boolean) => (ok ? "✅" : "❌");
  const ms = (values: number[]) => values.map(fmt).join(", ");
  const line = (
    what: string,
    r: Omit<ColdStartRow, "ratio" | "name" | "request" | "bytes">,
    verdict: string,
  ) =>
    `| cold start, ${what}, ms to first response (import ${fmt(r.medianImportedMs)} ms) | ${fmt(r.medianFirstResponseMs)} | ${ms(r.firstResponseMs)} | ${verdict} |\n`;
  return c.functions
    .map((f, i) => {
      const base = c.baselines[i];
      const verdict = `÷ its minimal: ${f.ratio} ≤ ${c.target} ${check(f.ratio <= c.target)}`;
      return (
        (base ? line(base.name, base, "") : "") +
        line(`${f.name} (${fmt(f.bytes / 1000)} KB; ${f.request})`, f, verdict)
      );
    })
    .join("");
}
