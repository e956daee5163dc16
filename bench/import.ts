/**
 * The bulk import (issue 7): 100,000 rows (1 % invalid) through `npx redial import` against the local
 * runtime's DynamoDB Local, in its own process, as a user runs it; next to raw TransactWriteItems on
 * the same DynamoDB Local measured in the same run (the ingest commit, bench/run.ts). Memory: the
 * child's RSS sampled every 250 ms with the checkpoint's progress, so "flat" is the RSS once a
 * quarter of the rows are in against the RSS at the end. Target: rows/s ÷ raw ≥ 0.5.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Runtime } from "@redial/local";
import { IMPORT_NOW, importFile } from "../test/import/rows.ts";
import { fmt, log, round2 } from "./common.ts";

export const IMPORT_ROWS = Number(process.env.BENCH_IMPORT_ROWS || 100_000);
export const IMPORT_TARGET = 0.5;
/**
 * The child's V8 old-space cap: uncapped, V8 on a 24 GiB machine collects lazily and RSS climbs
 * whatever the process keeps. Under the cap an import that kept its rows would fail; the file itself
 * is a Buffer, outside the heap.
 */
export const HEAP_CAP_MIB = 128;
const CLI = fileURLToPath(new URL("../packages/local/src/cli.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface ImportResults {
  rows: number;
  validRows: number;
  /** The whole command: start, planning every row, applying the valid ones. */
  seconds: number;
  rowsPerSecond: number;
  /** Applying only (from the first checkpoint to the last), rows per second. */
  applyRowsPerSecond: number;
  rawPerSecond: number;
  ratio: number;
  /** RSS (MiB) when 25 %, 50 %, 75 % and 100 % of the rows were in. */
  rssMiB: { at25: number; at50: number; at75: number; end: number; max: number };
  exitCode: number | null;
  summary: string;
  target: number;
}

export async function benchImport(runtime: Runtime, rawPerSecond: number): Promise<ImportResults> {
  const dir = mkdtempSync(join(tmpdir(), "redial-bench-import-"));
  const file = join(dir, "rejections.csv");
  const checkpoint = join(dir, "checkpoint.json");
  const generated = importFile(IMPORT_ROWS, 3);
  writeFileSync(file, generated.text);
  const validRows = IMPORT_ROWS - generated.invalidLines.length;
  log(
    `import: ${fmt(IMPORT_ROWS)} rows (${generated.invalidLines.length} invalid), ${(generated.text.length / 2 ** 20).toFixed(1)} MiB`,
  );

  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      `--max-old-space-size=${HEAP_CAP_MIB}`,
      "--import",
      "tsx",
      CLI,
      "import",
      file,
      "--endpoint",
      runtime.dynamoEndpoint,
      "--table",
      runtime.config.tableName,
      "--now",
      IMPORT_NOW.toISOString(),
      "--checkpoint",
      checkpoint,
      "--no-progress",
    ],
    { cwd: ROOT, env: { ...process.env, NODE_NO_WARNINGS: "1" }, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const samples: Array<{ ms: number; done: number; rssMiB: number }> = [];
  const sampler = setInterval(() => {
    const rssMiB = rssOf(child.pid);
    if (rssMiB === null) return;
    const done = existsSync(checkpoint) ? readCheckpoint(checkpoint) : 0;
    samples.push({ ms: performance.now() - started, done, rssMiB });
    if (samples.length % 120 === 0) log(`import: ${fmt(done)}/${fmt(validRows)} rows, RSS ${rssMiB} MiB`);
  }, 250);
  const exitCode: number | null = await new Promise((resolve) => child.on("close", resolve));
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  const rssWhen = (share: number) =>
    samples.find((s) => s.done >= validRows * share)?.rssMiB ?? samples.at(-1)?.rssMiB ?? 0;
  const applying = samples.filter((s) => s.done > 0);
  const first = applying[0];
  const last = applying.at(-1);
  const applyRowsPerSecond =
    first && last && last.ms > first.ms ? ((last.done - first.done) / (last.ms - first.ms)) * 1000 : 0;
  const rowsPerSecond = validRows / seconds;
  return {
    rows: IMPORT_ROWS,
    validRows,
    seconds: round2(seconds),
    rowsPerSecond: Math.round(rowsPerSecond),
    applyRowsPerSecond: Math.round(applyRowsPerSecond),
    rawPerSecond,
    ratio: round2(rowsPerSecond / rawPerSecond),
    rssMiB: {
      at25: rssWhen(0.25),
      at50: rssWhen(0.5),
      at75: rssWhen(0.75),
      end: samples.at(-1)?.rssMiB ?? 0,
      max: Math.max(0, ...samples.map((s) => s.rssMiB)),
    },
    exitCode,
    summary: stderr.split("\n").find((line) => line.startsWith("Imported")) ?? stderr.slice(-500),
    target: IMPORT_TARGET,
  };
}

/** The checkpoint counts settled rows; a window in flight is not in it yet. */
function readCheckpoint(file: string): number {
  try {
    return Number(JSON.parse(readFileSync(file, "utf8")).checkpoint) || 0;
  } catch {
    return 0; // mid-rename
  }
}

function rssOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

export function importRows(r: ImportResults): string {
  const flat = r.rssMiB.end - r.rssMiB.at25;
  return `| import of ${fmt(r.rows)} rows (1 % invalid) with \`npx redial import\` (own process, ${HEAP_CAP_MIB} MiB heap cap), valid rows/s over the whole command (${r.seconds} s; applying alone ${fmt(r.applyRowsPerSecond)}/s) | ${fmt(r.rowsPerSecond)} | exit ${r.exitCode} | |
| import ÷ raw TransactWriteItems (${fmt(r.rawPerSecond)}/s, same run) | ${r.ratio} | | ≥ ${r.target} ${r.ratio >= r.target ? "✅" : "❌"} |
| import RSS, MiB at 25 / 50 / 75 / 100 % of rows (max ${r.rssMiB.max}) | ${r.rssMiB.end} | ${r.rssMiB.at25}, ${r.rssMiB.at50}, ${r.rssMiB.at75}, ${r.rssMiB.end} | flat: ${flat >= 0 ? "+" : ""}${flat} MiB from 25 % to the end |
`;
}
