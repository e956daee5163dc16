/**
 * `redial export`: the weekly recycled-lead export (CONTRACT.md, "Weekly export") as a CSV file or on
 * stdout, read straight from the table through DynamoStore: DynamoDB Local behind `npm start` by
 * default, or a deployed stage's table with `--aws` and the usual AWS credentials. No API Gateway in
 * between, so no 6 MB response cap; rows stream from the index to the file, so memory stays flat.
 *
 * A progress bar goes to stderr when it is a terminal (or with `--progress`); its total comes from a
 * COUNT pre-pass over the same index partitions the export reads.
 */
import { createWriteStream } from "node:fs";
import { rename, unlink } from "node:fs/promises";
import type { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { QueryCommand, type QueryCommandOutput } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient, DynamoStore, SHARDS } from "@redial/aws";
import { type IsoWeek, isoWeek, previousWeek, RedialError, recycledRows } from "@redial/core";
import { csvStream, loadPlaybook } from "@redial/functions";
import { localHost, urlHost } from "./address.ts";
import { LOCAL_REGION } from "./dynamodb.ts";
import { ProgressBar } from "./progress.ts";
import { DEFAULT_PORTS, DEFAULT_TABLE } from "./runtime.ts";

export const EXPORT_HELP = `redial export — the recycled-lead CSV of one ISO week, read from the table

Usage: npx redial export [--week 2026-W48] [--owner rep-7] [--out file.csv] [options]
       npm run -s redial -- export [same options]

Options:
  --week <YYYY-Www>   the ISO week in the team's zone (default: the previous week, by the wall clock)
  --owner <id>        one rep's rows only
  --out <file>        write the CSV there (default: stdout)
  --endpoint <url>    DynamoDB endpoint (default: DYNAMODB_ENDPOINT, else http://127.0.0.1:8000,
                      the DynamoDB Local of a running \`npm start\`; its port follows DYNAMODB_PORT)
  --aws               use the real DynamoDB of your AWS credentials and region instead
  --table <name>      the table (default: REDIAL_TABLE_NAME, else ${DEFAULT_TABLE})
  --progress          draw the progress bar on stderr even when stderr is not a terminal
  --no-progress       never draw it
  -h, --help          this text

The team's zone is the playbook's (REDIAL_PLAYBOOK), or REDIAL_TEAM_TIMEZONE when set.
Exit codes: 0 written, 1 the table could not be read, 2 bad arguments.
`;

export interface ExportOptions {
  /** `2026-W48`, checked against the calendar later (it needs the team's zone); absent: last week. */
  week: string | undefined;
  owner: string | undefined;
  /** A file path; absent: stdout. */
  out: string | undefined;
  /** A DynamoDB endpoint URL; null: the real DynamoDB (the SDK finds region and credentials). */
  endpoint: string | null;
  table: string;
  /** true / false when asked for; undefined: when stderr is a terminal. */
  progress: boolean | undefined;
  help: boolean;
}

/** Bad command-line arguments: the message is for the user, the exit code is 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export function parseExportArgs(
  args: string[],
  env: Record<string, string | undefined> = process.env,
): ExportOptions {
  let values: ReturnType<typeof parse>["values"];
  try {
    ({ values } = parse(args));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { ...defaults(env), help: true };
  const nonEmpty = (name: "week" | "owner" | "out" | "endpoint" | "table") => {
    const value = values[name];
    if (value !== undefined && value.trim() === "") throw new UsageError(`--${name} needs a value`);
    return value;
  };
  const week = nonEmpty("week");
  if (week !== undefined && !/^\d{4}-W\d{2}$/.test(week)) {
    throw new UsageError(`--week must be an ISO week such as 2026-W48 (got "${week}")`);
  }
  const endpoint = nonEmpty("endpoint");
  if (endpoint !== undefined && values.aws) throw new UsageError("Give --endpoint or --aws, not both");
  if (endpoint !== undefined && !isHttpUrl(endpoint)) {
    throw new UsageError(
      `--endpoint must be an http(s) URL such as http://localhost:8000 (got "${endpoint}")`,
    );
  }
  const base = defaults(env);
  return {
    ...base,
    week,
    owner: nonEmpty("owner"),
    out: nonEmpty("out"),
    endpoint: values.aws ? null : (endpoint ?? base.endpoint),
    table: nonEmpty("table") ?? base.table,
    progress: values.progress,
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    options: {
      week: { type: "string" },
      owner: { type: "string" },
      out: { type: "string", short: "o" },
      endpoint: { type: "string" },
      aws: { type: "boolean" },
      table: { type: "string" },
      progress: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: false,
    allowNegative: true,
    strict: true,
  });
}

function defaults(env: Record<string, string | undefined>): ExportOptions {
  const port = env.DYNAMODB_PORT || String(DEFAULT_PORTS.dynamodb);
  return {
    week: undefined,
    owner: undefined,
    out: undefined,
    endpoint: env.DYNAMODB_ENDPOINT || `http://${urlHost(localHost(env.REDIAL_HOST))}:${port}`,
    table: env.REDIAL_TABLE_NAME || DEFAULT_TABLE,
    progress: undefined,
    help: false,
  };
}

function isHttpUrl(value: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * How many rows the export of `query` will have: COUNT Queries on the partitions enteredQueue reads
 * (packages/aws/src/dynamo/keys.ts): the 16 `ENTERED#<shard>` partitions of gsi1 for the team, or
 * `ENTERED#OWNER#<owner>` of gsi2 for one owner, sort key between the two instants. Items are counted
 * by DynamoDB, not sent; each Query still pages at 1 MB read, so pages are followed.
 */
export async function countEntered(
  client: DynamoDBDocumentClient,
  table: string,
  query: { from: Date; to: Date; ownerId?: string | undefined },
): Promise<number> {
  const index = query.ownerId === undefined ? "gsi1" : "gsi2";
  const partitions =
    query.ownerId === undefined
      ? Array.from({ length: SHARDS }, (_, shard) => `ENTERED#${shard}`)
      : [`ENTERED#OWNER#${query.ownerId}`];
  const from = query.from.toISOString();
  const to = query.to.toISOString(); // BETWEEN is inclusive, but every key is longer than the bare `to`
  const counts = await Promise.all(
    partitions.map(async (partition) => {
      let count = 0;
      let start: QueryCommandOutput["LastEvaluatedKey"];
      do {
        const out: QueryCommandOutput = await client.send(
          new QueryCommand({
            TableName: table,
            IndexName: index,
            KeyConditionExpression: `${index}pk = :pk AND ${index}sk BETWEEN :from AND :to`,
            ExpressionAttributeValues: { ":pk": partition, ":from": from, ":to": to },
            Select: "COUNT",
            ExclusiveStartKey: start,
          }),
        );
        count += out.Count ?? 0;
        start = out.LastEvaluatedKey;
      } while (start);
      return count;
    }),
  );
  return counts.reduce((sum, n) => sum + n, 0);
}

export interface ExportIo {
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  now: () => Date;
}

const processIo = (): ExportIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  now: () => new Date(),
});

/** Runs `redial export <args>`; returns the exit code. */
export async function runExport(args: string[], io: ExportIo = processIo()): Promise<number> {
  const say = (line: string) => io.stderr.write(`${line}\n`);
  let options: ExportOptions;
  try {
    options = parseExportArgs(args, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(`redial export: ${error.message}\nRun \`npx redial export --help\` for the options.`);
    return 2;
  }
  if (options.help) {
    io.stdout.write(EXPORT_HELP);
    return 0;
  }

  let week: IsoWeek;
  try {
    const playbook = loadPlaybook(
      io.env.REDIAL_PLAYBOOK || undefined,
      io.env.REDIAL_TEAM_TIMEZONE || undefined,
    );
    const zone = playbook.team.timezone;
    week = options.week ? isoWeek(options.week, zone) : previousWeek(io.now(), zone);
  } catch (error) {
    const details = error instanceof RedialError ? error.errors.map((e) => e.message) : [];
    say(`redial export: ${details.join("; ") || (error as Error).message}`);
    return 2;
  }

  const client = createDocumentClient(
    options.endpoint === null ? {} : { endpoint: options.endpoint, region: LOCAL_REGION },
  );
  const where = options.endpoint ?? "AWS";
  const target = options.out ?? "stdout";
  let bar: ProgressBar | undefined;
  try {
    const query = { week, ownerId: options.owner };
    if (options.progress ?? io.stderr.isTTY === true) {
      const total = await countEntered(client, options.table, {
        from: week.start,
        to: week.end,
        ownerId: options.owner,
      });
      bar = new ProgressBar({ stream: io.stderr, total });
    }
    const store = new DynamoStore({ client, tableName: options.table });
    const rows = recycledRows(store, query);
    // Read the first page before the output is touched: a table that cannot be read leaves no file.
    const first = await rows.next();
    const csv = csvStream(counted(first, rows, () => bar?.tick()));
    if (options.out) await writeFile(csv, options.out);
    else await writeStdout(csv, io.stdout);
    bar?.finish(target);
    return 0;
  } catch (error) {
    bar?.abort();
    if (isEpipe(error)) return 0; // the reader of stdout went away (`| head`): nothing left to do
    say(`redial export: ${explain(error, where, options.table)}`);
    return 1;
  } finally {
    client.destroy();
  }
}

async function* counted<T>(
  first: IteratorResult<T>,
  rest: AsyncIterator<T>,
  onRow: () => void,
): AsyncGenerator<T> {
  for (let next = first; !next.done; next = await rest.next()) {
    onRow();
    yield next.value;
  }
}

/** Into a temporary file beside `path`, renamed when complete: a failed export leaves no half file. */
async function writeFile(csv: Readable, path: string): Promise<void> {
  const partial = `${path}.${process.pid}.partial`;
  try {
    await pipeline(csv, createWriteStream(partial));
    await rename(partial, path);
  } catch (error) {
    await unlink(partial).catch(() => {});
    throw error;
  }
}

/** stdout is the process's: written to, never ended. */
async function writeStdout(csv: Readable, stdout: Writable): Promise<void> {
  await pipeline(csv, stdout, { end: false });
}

function isEpipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "EPIPE";
}

const NETWORK = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
]);

/** A store error as one line for the user: unreachable, no such table, or its own message. */
export function explain(error: unknown, where: string, table: string): string {
  const err = error as Error & { code?: string };
  const unreachable =
    NETWORK.has(err.code ?? "") ||
    err.name === "TimeoutError" ||
    (err instanceof RedialError && err.kind === "unavailable");
  if (unreachable) {
    return where === "AWS"
      ? `Cannot reach DynamoDB in AWS (${err.message})`
      : `Cannot reach DynamoDB at ${where}: is \`npm start\` running?`;
  }
  if (err.name === "ResourceNotFoundException") return `No table "${table}" at DynamoDB ${where} (--table?)`;
  return err.message || String(error);
}
