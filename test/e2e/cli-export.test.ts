/**
 * `redial export` (issue 4) as a user runs it: a child process (`node --import tsx …/cli.ts export`)
 * against the DynamoDB Local of `npm start`'s runtime, writing a file or stdout, with the progress bar
 * on stderr. Plus the command's pure parts: argument parsing and the progress line.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXPORT_COLUMNS, isoWeek, type Prospect } from "@redial/core";
import { freePort, type Runtime, startRuntime } from "@redial/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseExportArgs, UsageError } from "../../packages/local/src/export-command.ts";
import { formatProgress, formatSummary, ProgressBar } from "../../packages/local/src/progress.ts";
import { runRedial } from "../support/cli.ts";
import { change, idsInDistinctShards, prospectAt, queueEntry } from "../support/dynamo.ts";
import { E2e, parseCsv } from "../support/e2e.ts";

const W48 = isoWeek("2026-W48", "America/New_York"); // Mon 23 Nov 05:00Z – Mon 30 Nov 05:00Z

let runtime: Runtime;
let api: E2e;
let dir: string;

/** Stores a prospect that entered the call queue at `enteredAt` (R12), as the timer runner does. */
async function entered(
  id: string,
  enteredAt: string,
  ownerId: string,
  extra: Partial<Prospect["profile"]> = {},
) {
  const base = prospectAt(id, 1, { status: "queued", cycle: 2 });
  const prospect: Prospect = {
    ...base,
    profile: { ...base.profile, ...extra },
    queue: { ...queueEntry(ownerId, enteredAt), enteredAt, notes: ["first note", "second"] },
  };
  await runtime.store.commit(change(prospect, { queueEntered: true }));
}

// Five entries in W48 across distinct shards (oldest first), one just before and one just after it.
const ids = idsInDistinctShards(7);
const week48 = [
  { id: ids[0], at: W48.start.toISOString(), owner: "rep-7" },
  { id: ids[1], at: "2026-11-24T10:00:00.000Z", owner: "rep-9" },
  { id: ids[2], at: "2026-11-25T10:00:00.000Z", owner: "rep-7" },
  { id: ids[3], at: "2026-11-26T23:00:00.000Z", owner: "rep-9" },
  { id: ids[4], at: new Date(W48.end.getTime() - 1).toISOString(), owner: "rep-7" },
] as { id: string; at: string; owner: string }[];

beforeAll(async () => {
  runtime = await startRuntime({ port: 0, dynamoPort: 0, sesPort: 0, env: {}, log: "silent" });
  api = new E2e(runtime, "cli-export");
  dir = mkdtempSync(join(tmpdir(), "redial-cli-export-"));
  for (const { id, at, owner } of week48) await entered(id, at, owner, { company: 'Northwind, "East"' });
  await entered(String(ids[5]), new Date(W48.start.getTime() - 1).toISOString(), "rep-7");
  await entered(String(ids[6]), W48.end.toISOString(), "rep-7");
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 30_000);

const redialExport = (...args: string[]) => runRedial("export", ...args);

const local = () => ["--endpoint", runtime.dynamoEndpoint];
/** What GET /v1/exports/recycled answers for the same query: the CLI must write the same bytes. */
const routeCsv = async (query: string) => {
  const response = await api.operator(`/v1/exports/recycled?${query}`);
  expect(response.status).toBe(200);
  return response.text();
};

describe("redial export against the local runtime", () => {
  it("writes the week's rows to --out, oldest first, the same bytes as the route; progress on stderr", async () => {
    const out = join(dir, "w48.csv");
    const run = await redialExport("--week", "2026-W48", ...local(), "--out", out, "--progress");
    expect(run.stderr).toContain(`[${"#".repeat(30)}] 5/5 rows`);
    expect(run.stderr).toMatch(
      new RegExp(`Wrote 5 rows to ${out.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} in \\d+\\.\\d s\\n$`),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");

    const text = readFileSync(out, "utf8");
    const rows = parseCsv(text);
    expect(Object.keys(rows[0] ?? {})).toEqual([...EXPORT_COLUMNS]);
    expect(rows.map((row) => [row.prospect_id, row.owner_id, row.entered_queue_at])).toEqual(
      week48.map(({ id, at, owner }) => [id, owner, at]),
    );
    expect(
      rows.every((row) => row.company === 'Northwind, "East"' && row.note === "first note\nsecond"),
    ).toBe(true);
    expect(text).toBe(await routeCsv("week=2026-W48"));
    expect(text.startsWith(`${EXPORT_COLUMNS.join(",")}\r\n`)).toBe(true);
  });

  it("--owner keeps one rep's rows", async () => {
    const out = join(dir, "w48-rep-9.csv");
    const run = await redialExport(
      "--week",
      "2026-W48",
      "--owner",
      "rep-9",
      ...local(),
      "--out",
      out,
      "--progress",
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("] 2/2 rows");
    const text = readFileSync(out, "utf8");
    expect(parseCsv(text).map((row) => row.prospect_id)).toEqual(
      week48.filter((row) => row.owner === "rep-9").map((row) => row.id),
    );
    expect(text).toBe(await routeCsv("week=2026-W48&owner=rep-9"));
  });

  it("without --out writes only CSV to stdout; the bar and the summary go to stderr", async () => {
    const run = await redialExport("--week", "2026-W48", ...local(), "--progress");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(await routeCsv("week=2026-W48"));
    expect(run.stdout).not.toContain("rows/s");
    expect(run.stderr).toContain("5/5 rows");
    expect(run.stderr).toMatch(/Wrote 5 rows to stdout in \d+\.\d s\n$/);
  });

  it("draws no bar when stderr is not a terminal and --progress is not given", async () => {
    const run = await redialExport("--week", "2026-W48", ...local());
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(parseCsv(run.stdout)).toHaveLength(5);
  });

  it("an empty week is a header row and 'Wrote 0 rows'", async () => {
    const out = join(dir, "w50.csv");
    const run = await redialExport("--week", "2026-W50", ...local(), "--out", out, "--progress");
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`[${".".repeat(30)}] 0/0 rows`);
    expect(run.stderr).toContain("Wrote 0 rows to");
    expect(readFileSync(out, "utf8")).toBe(`${EXPORT_COLUMNS.join(",")}\r\n`);
  });

  it("a week that does not exist exits 2 naming the week, and writes nothing", async () => {
    const out = join(dir, "w99.csv");
    const run = await redialExport("--week", "2026-W99", ...local(), "--out", out);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Expected an ISO week such as 2026-W48 that exists, got "2026-W99"');
    expect(run.stdout).toBe("");
    expect(existsSync(out)).toBe(false);
  });

  it("bad arguments exit 2 with the reason", async () => {
    const unknown = await redialExport("--weeks", "2026-W48");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--weeks");
    const malformed = await redialExport("--week", "48");
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--week must be an ISO week such as 2026-W48 (got "48")');
  });

  it("an unreachable DynamoDB exits 1 with a hint, and leaves no file", async () => {
    const endpoint = `http://localhost:${await freePort()}`;
    const out = join(dir, "down.csv");
    for (const progress of ["--progress", "--no-progress"]) {
      const run = await redialExport("--week", "2026-W48", "--endpoint", endpoint, "--out", out, progress);
      expect(run.code, progress).toBe(1);
      expect(run.stderr).toContain(`Cannot reach DynamoDB at ${endpoint}: is \`npm start\` running?`);
      expect(existsSync(out)).toBe(false);
    }
  });
});

describe("parseExportArgs", () => {
  it("defaults: last week, everyone, stdout, DynamoDB Local of npm start, table redial, bar on a TTY", () => {
    expect(parseExportArgs([], {})).toEqual({
      week: undefined,
      owner: undefined,
      out: undefined,
      endpoint: "http://127.0.0.1:8000",
      table: "redial",
      progress: undefined,
      help: false,
    });
  });

  it("follows DYNAMODB_ENDPOINT, else DYNAMODB_PORT, and REDIAL_TABLE_NAME", () => {
    expect(parseExportArgs([], { DYNAMODB_PORT: "8123", REDIAL_TABLE_NAME: "redial-prod" })).toMatchObject({
      endpoint: "http://127.0.0.1:8123",
      table: "redial-prod",
    });
    expect(parseExportArgs([], { DYNAMODB_ENDPOINT: "http://db:9000", DYNAMODB_PORT: "8123" }).endpoint).toBe(
      "http://db:9000",
    );
  });

  it("reads every option; --aws means the SDK's own endpoint", () => {
    expect(
      parseExportArgs(
        ["--week", "2026-W48", "--owner", "rep-7", "-o", "x.csv", "--aws", "--table", "t", "--no-progress"],
        {},
      ),
    ).toEqual({
      week: "2026-W48",
      owner: "rep-7",
      out: "x.csv",
      endpoint: null,
      table: "t",
      progress: false,
      help: false,
    });
    expect(parseExportArgs(["--endpoint=http://127.0.0.1:9"], {}).endpoint).toBe("http://127.0.0.1:9");
    expect(parseExportArgs(["--progress"], {}).progress).toBe(true);
    expect(parseExportArgs(["-h"], {}).help).toBe(true);
  });

  it.each([
    [["--week", "2026-48"], "--week must be an ISO week"],
    [["--week"], "--week"],
    [["--owner", " "], "--owner needs a value"],
    [["--endpoint", "localhost:8000"], "--endpoint must be an http(s) URL"],
    [["--aws", "--endpoint", "http://localhost:8000"], "not both"],
    [["2026-W48"], "2026-W48"],
    [["--colour"], "--colour"],
  ])("refuses %j", (args, message) => {
    expect(() => parseExportArgs(args, {})).toThrow(UsageError);
    expect(() => parseExportArgs(args, {})).toThrow(message);
  });
});

describe("progress line", () => {
  it("formats the bar, the counts and the rate with thousands separators", () => {
    expect(formatProgress({ done: 45_000, total: 100_000, rate: 12_300 }, 10)).toBe(
      "[####......] 45,000/100,000 rows  12,300 rows/s",
    );
    expect(formatProgress({ done: 0, total: 0, rate: 0 }, 4)).toBe("[....] 0/0 rows  0 rows/s");
    // Rows that entered after the count: a full bar, never a total below what was written.
    expect(formatProgress({ done: 12, total: 10, rate: 3.6 }, 4)).toBe("[####] 12/12 rows  4 rows/s");
  });

  it("formats the summary", () => {
    expect(formatSummary(100_000, "file.csv", 8_140)).toBe("Wrote 100,000 rows to file.csv in 8.1 s");
    expect(formatSummary(1, "stdout", 40)).toBe("Wrote 1 row to stdout in 0.0 s");
  });

  it("redraws in place on a terminal at most every 100 ms, then replaces the bar by the summary", () => {
    const written: string[] = [];
    const stream = Object.assign(
      { write: (chunk: string) => written.push(chunk) > 0 },
      { isTTY: true },
    ) as unknown as NodeJS.WritableStream & { isTTY: boolean };
    let now = 0;
    const bar = new ProgressBar({ stream, total: 4, now: () => now, width: 4 });
    bar.tick(); // 0 ms after the first draw: not drawn
    now = 50;
    bar.tick();
    now = 100;
    bar.tick(); // drawn: 3 rows in 0.1 s
    now = 2_000;
    bar.tick();
    bar.finish("out.csv");
    expect(written).toEqual([
      "\r[....] 0/4 rows  0 rows/s\x1b[K",
      "\r[###.] 3/4 rows  30 rows/s\x1b[K",
      "\r[####] 4/4 rows  2 rows/s\x1b[K",
      "\r\x1b[KWrote 4 rows to out.csv in 2.0 s\n",
    ]);
  });

  it("writes whole lines, once a second, when stderr is not a terminal; the last state before the summary", () => {
    const written: string[] = [];
    const stream = { write: (chunk: string) => written.push(chunk) > 0 } as unknown as NodeJS.WritableStream;
    let now = 0;
    const bar = new ProgressBar({ stream, total: 3, now: () => now, width: 3 });
    now = 500;
    bar.tick();
    now = 1_000;
    bar.tick(); // drawn
    now = 1_500;
    bar.tick(); // not drawn on its own, but finish shows where it ended
    bar.finish("stdout");
    expect(written).toEqual([
      "[...] 0/3 rows  0 rows/s\n",
      "[##.] 2/3 rows  2 rows/s\n",
      "[###] 3/3 rows  2 rows/s\n",
      "Wrote 3 rows to stdout in 1.5 s\n",
    ]);
  });
});
