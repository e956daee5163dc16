/**
 * Redial's real SST program (sst.config.ts `app()` + `run()`, stacks/*.ts) run with SST's real
 * components (the platform `sst install` puts in .sst/platform) under Pulumi's mock runtime, offline:
 * 1. `app()` evaluated and the program bundled as SST's CLI does it (./sst-bundle.ts), into
 *    `.sst/platform/sst.config.<ms>.mjs`, with `$dev` false (a deploy, not `sst dev`);
 * 2. the CLI's RPC answered locally (./rpc-server.ts): function bundles really built with esbuild;
 * 3. the program run in its own node process with Pulumi's mocks (./mock-host.mjs), which records
 *    every resource registered; nothing reaches AWS and no Pulumi engine runs.
 * What it proves: the program runs, and what it would ask AWS for (types, names, inputs, policies,
 * bundles). What it does not: that AWS or the providers accept those inputs (no provider `check`).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startRpcServer } from "./rpc-server.ts";
import type { BundleInfo } from "./runtime-build.ts";
import { buildProgram, evaluateApp } from "./sst-bundle.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const HOST = fileURLToPath(new URL("./mock-host.mjs", import.meta.url));
const TIMEOUT_MS = 180_000;

export interface RecordedResource {
  /** Pulumi type token: "aws:lambda/function:Function", "sst:aws:Function", … */
  type: string;
  name: string;
  /** Fully resolved plain JSON; secrets unwrapped. */
  inputs: Record<string, unknown>;
  /** The parent component's name; absent for resources at the top of the stack. */
  parent?: string;
  /** false for component resources (sst:*). */
  custom: boolean;
  /** true for `Resource.get(...)` lookups. */
  read?: boolean;
  /** The physical name and ARN the mocked cloud gave it (AWS resources), as others refer to it. */
  physicalName?: string;
  arn?: string;
  /** Resource options that change what a deploy or a removal does, when set. */
  options?: { protect?: true; retainOnDelete?: true };
}

export interface MockedRun {
  stage: string;
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
  app: Record<string, unknown>;
  bundles: Record<string, BundleInfo>;
  timings: { appMs: number; bundleMs: number; programMs: number; totalMs: number };
}

export class PlatformMissingError extends Error {}

/** Thrown when the program fails; `run` holds what was recorded up to the failure. */
export class MockedRunError extends Error {
  readonly errors: string[];
  readonly run: MockedRun;
  constructor(message: string, errors: string[], run: MockedRun) {
    super(message);
    this.errors = errors;
    this.run = run;
  }
}

export function platformMissing(root = ROOT): string | undefined {
  const needed = [".sst/platform/src/shim/run.js", ".sst/platform/node_modules/@pulumi/pulumi/package.json"];
  const missing = needed.filter((file) => !existsSync(join(root, file)));
  if (missing.length === 0) return undefined;
  return `SST's platform is not installed (missing ${missing.join(", ")}): run \`npm run sst:install\` first`;
}

/** The deploying shell's variables that change what the stacks declare; `env` alone decides them here. */
const PROGRAM_ENV = /^(REDIAL_|SST_SECRET_)/;

export async function runMocked(options: { stage: string; env: Record<string, string>; root?: string }) {
  const root = options.root ?? ROOT;
  const problem = platformMissing(root);
  if (problem) throw new PlatformMissingError(problem);
  const started = Date.now();
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !PROGRAM_ENV.test(key)) env[key] = value;
  Object.assign(env, options.env);

  const app = await evaluateApp(root, options.stage, env);
  const appMs = Date.now() - started;
  const rpc = await startRpcServer(root);
  const program = await buildProgram(root, app, false);
  const bundleMs = Date.now() - started - appMs;
  const workdir = join(root, ".sst", "mocked");
  mkdirSync(workdir, { recursive: true });
  const resultFile = join(workdir, `result-${options.stage}-${process.pid}.json`);
  let stderr = "";
  try {
    // run.go: SST_SERVER for the RPC, NODE_OPTIONS as SST sets them; cwd is not the root (Pulumi's
    // workdir in a deploy): SST's run() chdirs to the root itself.
    const nodeOptions =
      `${env.NODE_OPTIONS ?? ""} --enable-source-maps --no-deprecation --no-warnings`.trim();
    const child = spawn(process.execPath, [HOST, program.outfile, resultFile, app.name, options.stage], {
      cwd: workdir,
      env: { ...env, SST_SERVER: rpc.url, NODE_OPTIONS: nodeOptions, PULUMI_SKIP_UPDATE_CHECK: "true" },
      stdio: ["ignore", "inherit", "pipe"],
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill(), TIMEOUT_MS);
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    clearTimeout(timer);
    if (!existsSync(resultFile))
      throw new Error(`The mocked program exited (code ${code}) without a result:\n${stderr.slice(-4000)}`);
    const result = JSON.parse(readFileSync(resultFile, "utf8")) as {
      resources: RecordedResource[];
      outputs: Record<string, unknown>;
      errors: string[];
    };
    const totalMs = Date.now() - started;
    const run: MockedRun = {
      stage: options.stage,
      resources: result.resources,
      outputs: result.outputs,
      app,
      bundles: rpc.bundles,
      timings: { appMs, bundleMs, programMs: totalMs - appMs - bundleMs, totalMs },
    };
    if (result.errors.length > 0) {
      const errors = [...new Set(result.errors)];
      throw new MockedRunError(
        `The SST program failed (stage ${options.stage}):\n${errors.join("\n\n")}`,
        errors,
        run,
      );
    }
    return run;
  } finally {
    await rpc.close();
    rmSync(resultFile, { force: true });
    // SST deletes the bundled program after a run unless SST_NO_CLEANUP is set.
    if (!process.env.SST_NO_CLEANUP) for (const file of program.files) rmSync(file, { force: true });
  }
}
