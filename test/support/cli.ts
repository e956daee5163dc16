/**
 * `npx redial <command> <args>` in a child process, as a user runs it: stdin closed, stdout and
 * stderr pipes (not TTYs), the playbook's own zone whatever this shell sets.
 */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
const CLI = join(ROOT, "packages/local/src/cli.ts");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runRedial(command: string, ...args: string[]): Promise<CliRun> {
  return new Promise((done, fail) => {
    const { REDIAL_TEAM_TIMEZONE: _zone, REDIAL_PLAYBOOK: _playbook, ...env } = process.env;
    const child = spawn(process.execPath, ["--import", "tsx", CLI, command, ...args], {
      cwd: ROOT,
      env: { ...env, NODE_NO_WARNINGS: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}
