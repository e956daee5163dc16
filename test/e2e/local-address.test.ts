/**
 * The local runtime's address (CONTRACT.md "The local runtime's address"): the API, the SES inbox and
 * DynamoDB Local all run with credentials printed in the README, so they listen on 127.0.0.1 only,
 * unless REDIAL_HOST names another address. Checked on the listening sockets themselves, as the
 * kernel lists them (/proc/net/tcp, Linux), not on what the runtime says about itself.
 */
import { readFileSync } from "node:fs";
import { type Runtime, startRuntime } from "@redial/local";
import { afterAll, describe, expect, it } from "vitest";
import { launcherBuiltFrom, launcherSourceHash } from "../../packages/local/src/launcher.ts";

/** `0100007F` → 127.0.0.1: /proc/net/tcp writes an IPv4 address as one little-endian word. */
const ipv4 = (hex: string) =>
  (hex.match(/../g) ?? [])
    .map((byte) => Number.parseInt(byte, 16))
    .reverse()
    .join(".");

/** An IPv6 address from /proc/net/tcp6 (four little-endian words), IPv4-mapped ones as IPv4. */
function ipv6(hex: string): string {
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) => (word.match(/../g) ?? []).reverse());
  const words = (bytes.join("").match(/.{4}/g) ?? []).map((word) => Number.parseInt(word, 16));
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff)
    return ipv4(bytes.slice(12).reverse().join(""));
  if (words.every((w) => w === 0)) return "::";
  if (words.slice(0, 7).every((w) => w === 0) && words[7] === 1) return "::1";
  return words.map((w) => w.toString(16)).join(":");
}

/** The addresses listening on TCP `port` in this network namespace. */
function listeningOn(port: number): string[] {
  const found: string[] = [];
  for (const [file, decode] of [
    ["/proc/net/tcp", ipv4],
    ["/proc/net/tcp6", ipv6],
  ] as const) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue; // no IPv6 in this kernel
    }
    for (const line of text.split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== "0A") continue; // 0A: LISTEN
      const [address, hexPort] = local.split(":") as [string, string];
      if (Number.parseInt(hexPort, 16) === port) found.push(decode(address));
    }
  }
  return found.sort();
}

const portOf = (url: string) => Number(new URL(url).port);

/** Each of the three servers, by name, with the addresses it listens on. */
const bound = (runtime: Runtime) => ({
  api: listeningOn(runtime.port),
  ses: listeningOn(portOf(runtime.sesUrl)),
  dynamodb: listeningOn(portOf(runtime.dynamoEndpoint)),
});

const start = (env: Record<string, string>) =>
  startRuntime({ port: 0, dynamoPort: 0, sesPort: 0, env, log: "silent" });

const started: Runtime[] = [];
afterAll(async () => {
  for (const runtime of started) await runtime.stop();
}, 30_000);

describe.skipIf(process.platform !== "linux")("the local runtime's address (/proc/net/tcp)", () => {
  it("binds the API, the SES inbox and DynamoDB Local to 127.0.0.1 by default, and says so", async () => {
    const runtime = await start({});
    started.push(runtime);

    expect(bound(runtime)).toEqual({ api: ["127.0.0.1"], ses: ["127.0.0.1"], dynamodb: ["127.0.0.1"] });
    expect(new URL(runtime.url).hostname).toBe("127.0.0.1");
    expect(new URL(runtime.sesUrl).hostname).toBe("127.0.0.1");
    expect(new URL(runtime.dynamoEndpoint).hostname).toBe("127.0.0.1");
    expect((await fetch(`${runtime.url}/health`)).status).toBe(200);
    expect((await fetch(`${runtime.sesUrl}/store`)).status).toBe(200);
  }, 120_000);

  it("binds all three to the address REDIAL_HOST names (127.0.0.2: loopback too, on Linux)", async () => {
    const runtime = await start({ REDIAL_HOST: "127.0.0.2" });
    started.push(runtime);

    expect(bound(runtime)).toEqual({ api: ["127.0.0.2"], ses: ["127.0.0.2"], dynamodb: ["127.0.0.2"] });
    expect(runtime.url).toBe(`http://127.0.0.2:${runtime.port}`);
    expect((await fetch(`${runtime.url}/health`)).status).toBe(200);
    // The store works through the endpoint it was given, so DynamoDB Local answers there.
    expect(await runtime.store.getProspect("nobody")).toBeNull();
  }, 120_000);
});

describe("REDIAL_HOST", () => {
  it("that is not an IP address stops the runtime before anything starts, naming the variable", async () => {
    // A runtime that starts anyway is stopped at once: the assertion below reports it.
    const outcome = await start({ REDIAL_HOST: "every interface" }).then(
      async (runtime) => {
        await runtime.stop();
        return "started";
      },
      (error: Error) => error.message,
    );

    expect(outcome).toMatch(/^REDIAL_HOST must be an IP address/);
  }, 120_000);
});

describe("the DynamoDB Local launcher (packages/local/java)", () => {
  it("was compiled from the source beside it: after editing the source, run npm run build:java", () => {
    expect(launcherBuiltFrom()).toBe(launcherSourceHash());
  });
});
