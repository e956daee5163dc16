/**
 * `redial import <file>`: past calls from a CSV or NDJSON file (issue 7), applied straight to the table
 * (DynamoDB Local behind `npm start`, or a stage's with `--aws`) through core's planImport/applyImport,
 * the same code as POST /v1/imports, without API Gateway's 30 s and 6 MB. Every row is checked before
 * the first is written; invalid rows are listed by line and skipped.
 *
 * Resumable: after every window of rows a checkpoint goes to `.redial/imports/<digest>.json` (the file,
 * source, table and endpoint in the digest). A run that is killed starts again at its checkpoint; rows
 * applied after it are found by their receipts and change nothing. A finished run deletes it.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { parseArgs } from "node:util";
import { createDocumentClient, DynamoStore } from "@redial/aws";
import {
  applyImport,
  IMPORT_FORMATS,
  IMPORT_SOURCES,
  type ImportFormat,
  type ImportOptions,
  type ImportReport,
  planImport,
} from "@redial/core";
import { loadPlaybook, loggingTimers } from "@redial/functions";
import { localHost, urlHost } from "./address.ts";
import { LOCAL_REGION } from "./dynamodb.ts";
import { explain, UsageError } from "./export-command.ts";
import { ProgressBar } from "./progress.ts";
import { DEFAULT_PORTS, DEFAULT_TABLE } from "./runtime.ts";

export const IMPORT_HELP = `redial import — apply a file of past calls (CSV or NDJSON) to the table

Usage: npx redial import <file> [--source hubspot|salesforce|pipedrive] [--dry-run] [options]
       npm run -s redial -- import <file> [same options]

Each row is a canonical event (CONTRACT.md), applied with its own occurredAt: a rejection from last
March recycles in September. CSV columns are the event's fields as dotted paths: type, occurredAt,
reason, callbackAt, callbackReason, voicemail, note, prospect.id, prospect.email, prospect.firstName,
…, prospect.owner.id, prospect.attributes.<name> (docs/import.md). NDJSON: one event per line.
With --source, a CSV without those columns is that CRM's own export (its API field names: HubSpot
hs_object_id, …; Salesforce Id or WhoId, …; Pipedrive id or person_id, …), mapped by the playbook's
crm section as the CRM's webhooks are (docs/import.md "CRM exports").

Options:
  --source <crm>      the CRM the rows come from: prospect ids get its prefix (hubspot:, sf:, pd:),
                      so that CRM's webhooks later find the same prospects; a CSV of that CRM's
                      records is mapped through the playbook's crm section
  --format <f>        csv or ndjson (default: from the extension; .ndjson/.jsonl are ndjson)
  --dry-run           check every row and report; write nothing
  --report <file>     write the whole report (every invalid row) there as JSON
  --now <iso>         business time for the import (default: now); the local runtime's clock if you
                      moved it: curl localhost:3000/_dev/clock
  --fresh             ignore a checkpoint left by a killed run and start at the first row
  --checkpoint <file> where the checkpoint goes (default: .redial/imports/<digest>.json here)
  --workers <n>       prospects applied at once (default 16)
  --endpoint <url>    DynamoDB endpoint (default: DYNAMODB_ENDPOINT, else http://127.0.0.1:8000,
                      the DynamoDB Local of a running \`npm start\`; its port follows DYNAMODB_PORT)
  --aws               use the real DynamoDB of your AWS credentials and region instead
  --table <name>      the table (default: REDIAL_TABLE_NAME, else ${DEFAULT_TABLE})
  --progress / --no-progress   draw the progress bar on stderr (default: when it is a terminal)
  -h, --help          this text

Exit codes: 0 every valid row applied (invalid rows are listed and skipped), 1 some rows could not be
applied now (run the same command again: it resumes), 2 bad arguments or a file refused as a whole.
`;

export interface ImportCliOptions {
  file: string;
  format: ImportFormat;
  source: ImportOptions["source"];
  dryRun: boolean;
  report: string | undefined;
  now: Date | undefined;
  fresh: boolean;
  checkpoint: string | undefined;
  workers: number;
  /** A DynamoDB endpoint URL; null: the real DynamoDB. */
  endpoint: string | null;
  table: string;
  progress: boolean | undefined;
  help: boolean;
}

export function parseImportArgs(
  args: string[],
  env: Record<string, string | undefined> = process.env,
): ImportCliOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const port = env.DYNAMODB_PORT || String(DEFAULT_PORTS.dynamodb);
  const base: ImportCliOptions = {
    file: "",
    format: "csv",
    source: undefined,
    dryRun: values["dry-run"] === true,
    report: values.report,
    now: undefined,
    fresh: values.fresh === true,
    checkpoint: values.checkpoint,
    workers: 16,
    endpoint: env.DYNAMODB_ENDPOINT || `http://${urlHost(localHost(env.REDIAL_HOST))}:${port}`,
    table: values.table || env.REDIAL_TABLE_NAME || DEFAULT_TABLE,
    progress: values.progress,
    help: values.help === true,
  };
  if (base.help) return base;
  const [file, ...extra] = positionals;
  if (!file) throw new UsageError("Name the file to import");
  if (extra.length) throw new UsageError(`One file at a time (got ${positionals.join(", ")})`);
  const format = values.format ?? (/^\.(ndjson|jsonl)$/i.test(extname(file)) ? "ndjson" : "csv");
  if (!(IMPORT_FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format must be csv or ndjson (got "${format}")`);
  const source = values.source;
  if (source !== undefined && !(IMPORT_SOURCES as readonly string[]).includes(source))
    throw new UsageError(`--source must be one of ${IMPORT_SOURCES.join(", ")} (got "${source}")`);
  const now = values.now === undefined ? undefined : new Date(values.now);
  if (now && Number.isNaN(now.getTime()))
    throw new UsageError(`--now must be an ISO date-time (got "${values.now}")`);
  const workers = values.workers === undefined ? 16 : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256)
    throw new UsageError(`--workers must be a whole number from 1 to 256 (got "${values.workers}")`);
  if (values.endpoint !== undefined && values.aws) throw new UsageError("Give --endpoint or --aws, not both");
  return {
    ...base,
    file,
    format: format as ImportFormat,
    source: source as ImportOptions["source"],
    now,
    workers,
    endpoint: values.aws ? null : (values.endpoint ?? base.endpoint),
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    options: {
      source: { type: "string" },
      format: { type: "string" },
      "dry-run": { type: "boolean" },
      report: { type: "string" },
      now: { type: "string" },
      fresh: { type: "boolean" },
      checkpoint: { type: "string" },
      workers: { type: "string" },
      endpoint: { type: "string" },
      aws: { type: "boolean" },
      table: { type: "string" },
      progress: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    allowNegative: true,
    strict: true,
  });
}

export interface ImportIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /** Where checkpoints live (`.redial/imports` under it). */
  cwd: string;
}

const processIo = (): ImportIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});

/** Invalid rows printed in the text summary; `--report` has them all. */
const SHOWN = 20;

/** Runs `redial import <args>`; returns the exit code. */
export async function runImport(args: string[], io: ImportIo = processIo()): Promise<number> {
  const say = (line: string) => io.stderr.write(`${line}\n`);
  let options: ImportCliOptions;
  try {
    options = parseImportArgs(args, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(`redial import: ${error.message}\nRun \`npx redial import --help\` for the options.`);
    return 2;
  }
  if (options.help) {
    io.stdout.write(IMPORT_HELP);
    return 0;
  }

  let bytes: Buffer;
  try {
    bytes = await readFile(options.file);
  } catch (error) {
    say(`redial import: cannot read ${options.file}: ${(error as Error).message}`);
    return 2;
  }
  // Loaded before planning: with --source, a CRM's own export is mapped by its crm section.
  let playbook: ReturnType<typeof loadPlaybook>;
  try {
    playbook = loadPlaybook(io.env.REDIAL_PLAYBOOK || undefined, io.env.REDIAL_TEAM_TIMEZONE || undefined);
  } catch (error) {
    say(`redial import: the playbook: ${(error as Error).message}`);
    return 2;
  }
  const importOptions: ImportOptions = {
    format: options.format,
    source: options.source,
    crm: playbook.crm,
    now: options.now ?? new Date(),
  };
  let plan: ReturnType<typeof planImport>;
  try {
    plan = planImport(bytes, importOptions);
  } catch (error) {
    say(`redial import: ${options.file} refused: ${(error as Error).message}`);
    return 2;
  }
  if (options.dryRun) {
    const report = { dryRun: true, rows: plan.rows, valid: plan.valid.length, invalid: plan.invalid };
    if (options.report) await writeJson(options.report, report);
    say(
      `Checked ${count(plan.rows, "row")}: ${count(plan.valid.length, "valid row")}, ${plan.invalid.length} invalid.`,
    );
    listRows(say, "Invalid", plan.invalid, options.report);
    return 0;
  }

  const where = options.endpoint ?? "AWS";
  const checkpointFile =
    options.checkpoint ??
    join(
      io.cwd,
      ".redial",
      "imports",
      `${createHash("sha256").update(`${plan.digest}\n${where}\n${options.table}`).digest("hex").slice(0, 24)}.json`,
    );
  const from = options.fresh ? 0 : await readCheckpoint(checkpointFile, plan.digest);
  if (from > 0)
    say(
      `Resuming at row ${from.toLocaleString("en")} of ${plan.valid.length.toLocaleString("en")} (checkpoint ${checkpointFile})`,
    );

  const client = createDocumentClient(
    options.endpoint === null ? {} : { endpoint: options.endpoint, region: LOCAL_REGION },
  );
  const bar =
    (options.progress ?? io.stderr.isTTY === true)
      ? new ProgressBar({ stream: io.stderr, total: plan.valid.length })
      : undefined;
  bar?.tick(from);
  const log = { info() {}, warn() {}, error() {} };
  let report: ImportReport;
  try {
    const store = new DynamoStore({ client, tableName: options.table });
    // Timers are rows in the table: the local timer loop and the daily reconciliation read them there.
    const deps = {
      store,
      timers: loggingTimers(log),
      clock: { now: () => importOptions.now },
      log,
      playbook,
    };
    let shown = from;
    report = await applyImport(bytes, plan, importOptions, deps, {
      workers: options.workers,
      from,
      onProgress: async ({ done, checkpoint }) => {
        bar?.tick(done - shown);
        shown = done;
        await writeJson(checkpointFile, { digest: plan.digest, file: options.file, checkpoint });
      },
    });
  } catch (error) {
    bar?.abort();
    say(`redial import: ${explain(error, where, options.table)}`);
    return 1;
  } finally {
    client.destroy();
  }
  bar?.finish(options.table);
  if (report.failed.length === 0) await unlink(checkpointFile).catch(() => {});
  if (options.report) await writeJson(options.report, report);
  say(
    `Imported ${count(report.rows, "row")}: ${n(report.applied)} applied, ${n(report.recorded)} recorded without a change ` +
      `(older than the prospect's newest event, or a stopped prospect), ${n(report.duplicates)} already imported, ` +
      `${n(report.invalid.length)} invalid, ${n(report.failed.length)} failed.`,
  );
  const rules = Object.entries(report.byRule).sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }));
  if (rules.length) say(`By rule: ${rules.map(([rule, rows]) => `${rule} ${n(rows)}`).join(", ")}`);
  listRows(say, "Invalid", report.invalid, options.report);
  listRows(say, "Failed (run the same command again)", report.failed, options.report);
  return report.failed.length ? 1 : 0;
}

function listRows(
  say: (line: string) => void,
  title: string,
  rows: ReadonlyArray<{ line: number; reason: string }>,
  reportFile: string | undefined,
) {
  if (!rows.length) return;
  say(`${title}:`);
  for (const { line, reason } of rows.slice(0, SHOWN)) say(`  line ${line}: ${reason}`);
  if (rows.length > SHOWN)
    say(
      `  … and ${rows.length - SHOWN} more${reportFile ? ` (all in ${reportFile})` : " (--report <file> lists them all)"}`,
    );
}

async function readCheckpoint(file: string, digest: string): Promise<number> {
  try {
    const saved = JSON.parse(await readFile(file, "utf8")) as { digest?: string; checkpoint?: number };
    return saved.digest === digest && Number.isInteger(saved.checkpoint) ? (saved.checkpoint as number) : 0;
  } catch {
    return 0; // none, or unreadable: start at the first row (receipts keep that safe)
  }
}

/** Written beside and renamed: a kill mid-write leaves the previous checkpoint, never half a file. */
async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(join(file, ".."), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, `${JSON.stringify(value, null, 2)}\n`);
  await rename(partial, file);
}

const n = (value: number) => value.toLocaleString("en");
const count = (n: number, noun: string) => `${n.toLocaleString("en")} ${n === 1 ? noun : `${noun}s`}`;
