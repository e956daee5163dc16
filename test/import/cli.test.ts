/**
 * `npx redial import` (issue 7) as a user runs it: killed halfway (SIGKILL, mid-window) and run again,
 * it ends in exactly the table one clean run makes, item for item; a dry run writes nothing.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { ROOT, runRedial } from "../support/cli.ts";
import { freshStore } from "../support/dynamo.ts";
import { IMPORT_NOW, importFile } from "./rows.ts";
import { scanTable } from "./table.ts";

const ROWS = Number(process.env.IMPORT_CLI_ROWS || 1_000);
const TIMEOUT_MS = 60_000 + ROWS * 100;

describe(`npx redial import, ${ROWS.toLocaleString("en")} rows`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "redial-import-"));
  const file = join(dir, "rejections.csv");
  const generated = importFile(ROWS, 11);
  writeFileSync(file, generated.text);
  const clean = await freshStore();
  const killed = await freshStore();
  afterAll(() => {
    clean.client.destroy();
    killed.client.destroy();
  });
  const args = (table: string, checkpoint: string) => [
    file,
    "--endpoint",
    inject("dynamoEndpoint"),
    "--table",
    table,
    "--now",
    IMPORT_NOW.toISOString(),
    "--checkpoint",
    checkpoint,
    "--no-progress",
  ];

  it("a dry run lists the invalid rows by line and writes nothing", async () => {
    const run = await runRedial("import", ...args(clean.tableName, join(dir, "dry.json")), "--dry-run");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`${(ROWS - generated.invalidLines.length).toLocaleString("en")} valid rows`);
    expect(run.stderr).toContain(`line ${generated.invalidLines[0]}: `);
    expect(await scanTable(clean.client, clean.tableName)).toEqual([]);
  });

  it(
    "killed halfway and run again: the same end state as one clean run",
    async () => {
      const first = await runRedial("import", ...args(clean.tableName, join(dir, "clean.json")));
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/Imported .* rows: [\d,]+ applied/);

      const checkpoint = join(dir, "killed.json");
      const valid = ROWS - generated.invalidLines.length;
      const reached = await runUntilKilled(args(killed.tableName, checkpoint), () => {
        if (!existsSync(checkpoint)) return false;
        return JSON.parse(readFileSync(checkpoint, "utf8")).checkpoint >= valid * 0.4;
      });
      expect(reached).toBe(true);
      const halfway = await scanTable(killed.client, killed.tableName);
      expect(halfway.length).toBeGreaterThan(0);

      const again = await runRedial("import", ...args(killed.tableName, checkpoint));
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toMatch(/Resuming at row [\d,]+ of/);
      expect(existsSync(checkpoint)).toBe(false); // a finished run leaves no checkpoint

      const [one, two] = await Promise.all([
        scanTable(clean.client, clean.tableName),
        scanTable(killed.client, killed.tableName),
      ]);
      expect(two.length).toBe(one.length);
      expect(two).toEqual(one);
    },
    TIMEOUT_MS,
  );
});

/** Starts the CLI and SIGKILLs it once `ready()` holds; false if it finished first. */
function runUntilKilled(args: string[], ready: () => boolean): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(ROOT, "packages/local/src/cli.ts"), "import", ...args],
      {
        cwd: ROOT,
        env: { ...process.env, NODE_NO_WARNINGS: "1" },
        stdio: "ignore",
      },
    );
    let killed = false;
    const poll = setInterval(() => {
      if (!killed && ready()) {
        killed = true;
        child.kill("SIGKILL");
      }
    }, 50);
    child.on("error", reject);
    child.on("exit", () => {
      clearInterval(poll);
      resolve(killed);
    });
  });
}
