/**
 * `redial check`: the invariant checker (issue 6) over a whole table: DynamoDB Local behind
 * `npm start` by default, or a deployed stage's table with `--aws`. One line per invariant (I1–I7)
 * with its violations under it, or the whole report as JSON; exit code 1 when anything is broken, so
 * a script or CI step can gate on it.
 */
import { parseArgs } from "node:util";
import { type CheckReport, countByInvariant, INVARIANTS, type InvariantId, RedialError } from "@redial/core";
import { loadPlaybook } from "@redial/functions";
import { localHost, urlHost } from "./address.ts";
import { checkTable } from "./check.ts";
import { UsageError } from "./export-command.ts";
import { DEFAULT_PORTS, DEFAULT_TABLE } from "./runtime.ts";

/** Violations listed per invariant in the text report; `--json` has them all. */
const SHOWN_PER_INVARIANT = 20;

export const CHECK_HELP = `redial check — check Redial's invariants (I1–I7) over a whole table

Usage: npx redial check [--json] [options]
       npm run -s redial -- check [same options]

Invariants:
${(Object.entries(INVARIANTS) as [InvariantId, string][]).map(([id, text]) => `  ${id}  ${text}`).join("\n")}

Options:
  --json              print the report as JSON (prospects, items, counts, every violation)
  --endpoint <url>    DynamoDB endpoint (default: DYNAMODB_ENDPOINT, else http://127.0.0.1:8000,
                      the DynamoDB Local of a running \`npm start\`; its port follows DYNAMODB_PORT)
  --aws               use the real DynamoDB of your AWS credentials and region instead
  --table <name>      the table (default: REDIAL_TABLE_NAME, else ${DEFAULT_TABLE})
  --segments <n>      parallel Scan segments (default 4)
  -h, --help          this text

It reads every item (a Scan): run it on a quiet table, since changes made while it reads can show up
as violations. The playbook is REDIAL_PLAYBOOK's (the team's zone: REDIAL_TEAM_TIMEZONE when set).
Exit codes: 0 no violation, 1 violations found, 2 bad arguments or the table could not be read.
`;

export interface CheckOptions {
  json: boolean;
  /** A DynamoDB endpoint URL; null: the real DynamoDB (the SDK finds region and credentials). */
  endpoint: string | null;
  table: string;
  segments: number | undefined;
  help: boolean;
}

export function parseCheckArgs(
  args: string[],
  env: Record<string, string | undefined> = process.env,
): CheckOptions {
  let values: ReturnType<typeof parse>["values"];
  try {
    ({ values } = parse(args));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const port = env.DYNAMODB_PORT || String(DEFAULT_PORTS.dynamodb);
  const base = {
    json: values.json === true,
    endpoint: env.DYNAMODB_ENDPOINT || `http://${urlHost(localHost(env.REDIAL_HOST))}:${port}`,
    table: env.REDIAL_TABLE_NAME || DEFAULT_TABLE,
    segments: undefined,
    help: values.help === true,
  };
  if (base.help) return base;
  if (values.endpoint !== undefined && values.aws) throw new UsageError("Give --endpoint or --aws, not both");
  if (values.endpoint !== undefined && !/^https?:\/\/[^/]/.test(values.endpoint))
    throw new UsageError(
      `--endpoint must be an http(s) URL such as http://localhost:8000 (got "${values.endpoint}")`,
    );
  if (values.table !== undefined && values.table.trim() === "") throw new UsageError("--table needs a value");
  const segments = values.segments === undefined ? undefined : Number(values.segments);
  if (segments !== undefined && !(Number.isInteger(segments) && segments >= 1 && segments <= 1000))
    throw new UsageError(`--segments must be a whole number from 1 to 1000 (got "${values.segments}")`);
  return {
    ...base,
    endpoint: values.aws ? null : (values.endpoint ?? base.endpoint),
    table: values.table ?? base.table,
    segments,
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    options: {
      json: { type: "boolean" },
      endpoint: { type: "string" },
      aws: { type: "boolean" },
      table: { type: "string" },
      segments: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: false,
    strict: true,
  });
}

/** The text report: a summary line, then each invariant with its count and its first violations. */
export function formatCheckReport(report: CheckReport, where: string, seconds: number): string {
  const counts = countByInvariant(report.violations);
  const lines = [
    `Checked ${report.prospects.toLocaleString("en-US")} prospects (${report.items.toLocaleString("en-US")} items) in ${where} in ${seconds.toFixed(1)} s`,
  ];
  for (const [id, text] of Object.entries(INVARIANTS) as [InvariantId, string][]) {
    const count = counts[id];
    lines.push(`${id}  ${count === 0 ? "ok" : `${count} violation(s)`}  ${text}`);
    const mine = report.violations.filter((v) => v.invariant === id);
    for (const v of mine.slice(0, SHOWN_PER_INVARIANT))
      lines.push(`    ${v.prospectId ?? "-"}: ${v.message}`);
    if (mine.length > SHOWN_PER_INVARIANT)
      lines.push(`    … and ${mine.length - SHOWN_PER_INVARIANT} more (--json lists them all)`);
  }
  const total = report.violations.length;
  lines.push(total === 0 ? "No violations." : `${total} violation(s).`);
  return `${lines.join("\n")}\n`;
}

export interface CheckIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
}

const processIo = (): CheckIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

/** Runs `redial check <args>`; returns the exit code. */
export async function runCheck(args: string[], io: CheckIo = processIo()): Promise<number> {
  const say = (line: string) => io.stderr.write(`${line}\n`);
  let options: CheckOptions;
  try {
    options = parseCheckArgs(args, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(`redial check: ${error.message}\nRun \`npx redial check --help\` for the options.`);
    return 2;
  }
  if (options.help) {
    io.stdout.write(CHECK_HELP);
    return 0;
  }
  let playbook: ReturnType<typeof loadPlaybook>;
  try {
    playbook = loadPlaybook(io.env.REDIAL_PLAYBOOK || undefined, io.env.REDIAL_TEAM_TIMEZONE || undefined);
  } catch (error) {
    const details = error instanceof RedialError ? error.errors.map((e) => e.message) : [];
    say(`redial check: ${details.join("; ") || (error as Error).message}`);
    return 2;
  }

  const where = `${options.table} at ${options.endpoint ?? "AWS"}`;
  const started = performance.now();
  let report: CheckReport;
  try {
    report = await checkTable({
      ...(options.endpoint === null ? {} : { endpoint: options.endpoint }),
      tableName: options.table,
      playbook,
      ...(options.segments ? { segments: options.segments } : {}),
    });
  } catch (error) {
    say(`redial check: ${explain(error, options)}`);
    return 2;
  }
  const seconds = (performance.now() - started) / 1000;
  io.stdout.write(
    options.json
      ? `${JSON.stringify({ ...report, counts: countByInvariant(report.violations) }, null, 2)}\n`
      : formatCheckReport(report, where, seconds),
  );
  return report.violations.length ? 1 : 0;
}

function explain(error: unknown, options: CheckOptions): string {
  const err = error as Error & { code?: string };
  const unreachable =
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND", "EHOSTUNREACH"].includes(
      err.code ?? "",
    ) ||
    err.name === "TimeoutError" ||
    (err instanceof RedialError && err.kind === "unavailable");
  if (unreachable)
    return options.endpoint === null
      ? `Cannot reach DynamoDB in AWS (${err.message})`
      : `Cannot reach DynamoDB at ${options.endpoint}: is \`npm start\` running?`;
  if (err.name === "ResourceNotFoundException")
    return `No table "${options.table}" at DynamoDB ${options.endpoint ?? "AWS"} (--table?)`;
  return err.message || String(error);
}
