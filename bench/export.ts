/**
 * The weekly export (issue 4): 100,000 prospects that entered the call queue in one week, exported
 * as CSV through the real route, next to a raw paginated Query of the same index partitions in the
 * same run. Each side runs in its own child process (bench/export-child.ts, bundled with esbuild and
 * run by plain node, as a Lambda runs a bundle), so its peak RSS is its own.
 *
 * Both children run with the same V8 old-space cap (96 MiB, what a 256 MB Lambda leaves the heap):
 * uncapped on a 24 GiB machine, V8 collects lazily and both sides sit near 300 MiB whatever they
 * hold. Under the cap an export that kept its rows would fail; one that streams stays flat.
 * Targets: peak RSS < 200 MB, export time ≤ 1.25 × raw.
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { isoWeek, newProspect, type Prospect } from "@redial/core";
import type { Runtime } from "@redial/local";
import { build } from "esbuild";
import { enteredItem } from "../packages/aws/src/dynamo/keys.ts";
import { fmt, log, median, round2 } from "./common.ts";

export const EXPORT_ROWS = 100_000;
export const EXPORT_ROUNDS = 5;
export const HEAP_CAP_MIB = 96;
export const EXPORT_TARGETS = { maxRssMiB: 200, toRaw: 1.25 };
const WEEK = "2026-W48";
const run = promisify(execFile);

export interface ChildRun {
  mode: string;
  ms: number;
  rows: number;
  bytes: number;
  maxRssMiB: number;
}

export interface ExportResults {
  rows: number;
  seedSeconds: number;
  raw: ChildRun[];
  export: ChildRun[];
  heapCapMiB: number;
  medianRawMs: number;
  medianExportMs: number;
  ratio: number;
  maxRssMiB: number;
  targets: typeof EXPORT_TARGETS;
}

export async function benchExport(runtime: Runtime): Promise<ExportResults> {
  const table = runtime.config.tableName;
  const seeded = performance.now();
  await seed(runtime.client, table);
  const seedSeconds = round2((performance.now() - seeded) / 1000);
  log(`export: seeded ${fmt(EXPORT_ROWS)} queue-history items in ${seedSeconds} s`);

  const script = await bundleChild();
  const child = async (mode: "raw" | "export"): Promise<ChildRun> => {
    const { stdout } = await run(
      process.execPath,
      [`--max-old-space-size=${HEAP_CAP_MIB}`, script, mode, runtime.dynamoEndpoint, table, WEEK],
      { maxBuffer: 1 << 20, env: { ...process.env, REDIAL_PLAYBOOK: PLAYBOOK } },
    );
    return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as ChildRun;
  };
  await child("raw"); // warm DynamoDB Local's JIT and page cache for both sides
  const raw: ChildRun[] = [];
  const exported: ChildRun[] = [];
  for (let round = 1; round <= EXPORT_ROUNDS; round++) {
    raw.push(await child("raw"));
    exported.push(await child("export"));
    log(
      `export round ${round}/${EXPORT_ROUNDS}: raw ${fmt(raw.at(-1)?.ms)} ms, export ${fmt(exported.at(-1)?.ms)} ms, ${fmt(exported.at(-1)?.maxRssMiB)} MiB peak`,
    );
  }
  const medianRawMs = median(raw.map((r) => r.ms));
  const medianExportMs = median(exported.map((r) => r.ms));
  return {
    rows: EXPORT_ROWS,
    seedSeconds,
    heapCapMiB: HEAP_CAP_MIB,
    raw,
    export: exported,
    medianRawMs,
    medianExportMs,
    ratio: round2(medianExportMs / medianRawMs),
    maxRssMiB: Math.max(...exported.map((r) => r.maxRssMiB)),
    targets: EXPORT_TARGETS,
  };
}

const PLAYBOOK = fileURLToPath(new URL("../playbook/playbook.yaml", import.meta.url));

/** The child as one ESM file, as SST would bundle a function (the AWS SDK included). */
async function bundleChild(): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), "redial-bench-")), "export-child.mjs");
  await build({
    entryPoints: [fileURLToPath(new URL("./export-child.ts", import.meta.url))],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
    // CommonJS dependencies inside an ESM bundle still call require().
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  return outfile;
}

/** 100,000 queue-history items spread over the week, written 25 per BatchWriteItem, 16 at a time. */
async function seed(client: DynamoDBDocumentClient, table: string) {
  const { start, end } = isoWeek(WEEK, "America/New_York");
  const span = end.getTime() - start.getTime();
  const item = (i: number) => {
    const enteredAt = new Date(start.getTime() + Math.floor((i * span) / EXPORT_ROWS)).toISOString();
    const prospect: Prospect = {
      ...newProspect(`bench-export-${i}`, enteredAt),
      status: "queued",
      cycle: 2,
      profile: {
        tier: "B",
        fitsProfile: true,
        email: `prospect${i}@northwind.example`,
        firstName: i % 7 ? "Dana" : "Amélie",
        lastName: `Lee ${i}`,
        company: "Northwind, Inc.",
        title: "VP Operations",
        phone: "+1 312 555 0100",
        timezone: "America/Chicago",
        owner: { id: `rep-${i % 12}`, email: `rep${i % 12}@acme.example`, name: "A Rep" },
      },
      queue: {
        enteredAt,
        dueAt: enteredAt,
        ownerId: `rep-${i % 12}`,
        reason: i % 3 ? "recycle" : "callback",
        cycle: 2,
        suggestedHalf: "afternoon",
        suggestedWindow: { start: enteredAt, end: enteredAt },
        lastOutcome: { type: "call.rejected", reason: "all_set", at: enteredAt },
        touches: 4,
        prompts: i % 3 ? [] : ["Ask what will have changed by then."],
        notes: ["Using a competitor until their contract ends."],
      },
    };
    return enteredItem(prospect);
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < EXPORT_ROWS) {
        const first = next;
        next = Math.min(EXPORT_ROWS, next + 25);
        let requests = Array.from({ length: next - first }, (_, k) => ({
          PutRequest: { Item: item(first + k) },
        }));
        while (requests.length) {
          const out = await client.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
          requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
        }
      }
    }),
  );
}
