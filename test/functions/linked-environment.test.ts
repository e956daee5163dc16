/**
 * linkedEnvironment(): in a function SST deployed, the secrets and the table's name come from SST's
 * links. Each case runs in its own Node process, as a cold start does (SST's Resource reads the
 * process's environment and its resource.enc once), with a resource.enc written as SST writes one
 * at build time: the links (name → properties, with SST's `type`) as JSON, sealed with AES-256-GCM
 * under the function's random 32-byte key (base64 in SST_KEY) and an all-zero 96-bit nonce, the
 * 16-byte tag after the ciphertext (Go's gcm.Seal). SST's own sst/resource decrypts it; nothing of
 * the sst package is mocked.
 */
import { spawn } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { linkedEnvironment, withLinks } from "@redial/functions";
import { afterAll, describe, expect, it } from "vitest";

const CONFIG_DIR = new URL("../../packages/functions/src/config/", import.meta.url);
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

const whsec = (text: string) => `whsec_${Buffer.from(text).toString("base64")}`;
const MAIN = whsec("the main webhook secret, 32 byte");
const HUBSPOT_SOURCE = whsec("the hubspot source's own secret");
const API_TOKEN = "api-token-0123456789abcdef";
const UNSUBSCRIBE_KEY = "unsubscribe-key-0123456789";

/** As SST's Link.build gives them to the build: each link's properties plus its component type. */
const table = { Table: { name: "redial-prod-Table", type: "sst.aws.Dynamo" } };
const apiLinks = {
  ...table,
  WebhookSecrets: { value: `${MAIN} ${HUBSPOT_SOURCE}`, type: "sst.sst.Linkable" },
  ApiToken: { value: API_TOKEN, type: "sst.sst.Secret" },
  UnsubscribeKey: { value: UNSUBSCRIBE_KEY, type: "sst.sst.Secret" },
  HubspotSecret: { value: "hubspot-client-secret-0123", type: "sst.sst.Secret" },
};

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A function's directory as Lambda unpacks it: resource.enc beside the code; its base64 key. */
function deployed(links: Record<string, unknown>): { dir: string; key: string } {
  const key = randomBytes(32);
  const cipher = createCipheriv("aes-256-gcm", key, Buffer.alloc(12, 0));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(links)), cipher.final(), cipher.getAuthTag()]);
  const dir = mkdtempSync(join(tmpdir(), "redial-linked-"));
  dirs.push(dir);
  writeFileSync(join(dir, "resource.enc"), sealed);
  return { dir, key: key.toString("base64") };
}

interface ColdStart {
  /** The REDIAL_* variables linkedEnvironment() gave, by name. */
  variables?: Record<string, string>;
  config?: Record<string, unknown>;
  error?: string;
}

/** One cold start in `dir`: linkedEnvironment(), then the function's loadConfig(). */
function coldStart(fn: string, dir: string, env: Record<string, string>): Promise<ColdStart> {
  const script = `
    const { linkedEnvironment } = await import(${JSON.stringify(new URL("linked-environment.ts", CONFIG_DIR).href)});
    const { loadFunctionConfig } = await import(${JSON.stringify(new URL("load.ts", CONFIG_DIR).href)});
    let out;
    try {
      const env = linkedEnvironment();
      const variables = Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith("REDIAL_")));
      out = { variables, config: loadFunctionConfig(${JSON.stringify(fn)}, env) };
    } catch (error) {
      out = { error: error.message };
    }
    process.stdout.write(JSON.stringify(out));
  `;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", TSX, "--input-type=module", "--eval", script], {
      // Lambda runs the code from its directory; SST sets SST_KEY_FILE relative to it.
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", NODE_NO_WARNINGS: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", fail);
    child.on("close", (code) =>
      code === 0 ? done(JSON.parse(stdout)) : fail(new Error(`exit ${code}: ${stderr}`)),
    );
  });
}

/** What SST sets on every function it deploys (function.ts normalizeEnvironment). */
const sstEnvironment = (key: string) => ({
  SST_RESOURCE_App: JSON.stringify({ name: "redial", stage: "prod" }),
  SST_KEY: key,
  SST_KEY_FILE: "resource.enc",
});

describe("linkedEnvironment() in a function SST deployed", () => {
  it("the API reads its secrets and the table from its links, its settings from the environment", async () => {
    const { dir, key } = deployed(apiLinks);
    const started = await coldStart("api", dir, {
      ...sstEnvironment(key),
      REDIAL_PUBLIC_URL: "https://redial.acme.example",
    });

    expect(started.error).toBeUndefined();
    expect(started.config).toMatchObject({
      tableName: "redial-prod-Table",
      webhookSecrets: [MAIN, HUBSPOT_SOURCE],
      apiToken: API_TOKEN,
      unsubscribeKey: UNSUBSCRIBE_KEY,
      hubspot: { secrets: ["hubspot-client-secret-0123"] },
      publicUrl: "https://redial.acme.example",
    });
  });

  it("a function linked to the table alone has no webhook secret and no API token to read", async () => {
    const { dir, key } = deployed(table);
    const started = await coldStart("ses-events", dir, sstEnvironment(key));

    expect(started.config).toEqual({
      tableName: "redial-prod-Table",
      teamTimezone: undefined,
      scheduler: undefined,
    });
    expect(Object.keys(started.variables ?? {})).toEqual(["REDIAL_TABLE_NAME"]);
  });

  it("a link wins over a variable of the same name; a variable no link provides stays", async () => {
    const { dir, key } = deployed(table);
    const started = await coldStart("ses-events", dir, {
      ...sstEnvironment(key),
      REDIAL_TABLE_NAME: "stale-table",
      REDIAL_TEAM_TIMEZONE: "Europe/Berlin",
    });

    expect(started.config).toMatchObject({ tableName: "redial-prod-Table", teamTimezone: "Europe/Berlin" });
  });

  it("a secret that is not linked is named as not set, as any missing variable is", async () => {
    const { dir, key } = deployed(table);
    const started = await coldStart("api", dir, {
      ...sstEnvironment(key),
      REDIAL_PUBLIC_URL: "https://redial.acme.example",
    });

    expect(started.error).toContain("REDIAL_WEBHOOK_SECRET: is not set");
    expect(started.error).toContain("REDIAL_API_TOKEN: is not set");
    expect(started.error).not.toContain("REDIAL_TABLE_NAME");
  });

  it("refuses a resource.enc sealed under another key (GCM's tag), so links are really decrypted", async () => {
    const { dir } = deployed(apiLinks);
    const started = await coldStart("api", dir, sstEnvironment(randomBytes(32).toString("base64")));

    expect(started.error).toMatch(/unable to authenticate data/);
    expect(started.config).toBeUndefined();
  });
});

describe("linkedEnvironment() outside SST (the local runtime, tests)", () => {
  it("uses the environment as is, links or not", () => {
    const env = { REDIAL_TABLE_NAME: "redial", REDIAL_API_TOKEN: "dev-token-change-me" };
    expect(linkedEnvironment(env)).toBe(env);
  });
});

describe("withLinks()", () => {
  it("overlays each linked resource's property on its variable and leaves the rest", () => {
    expect(
      withLinks(
        { REDIAL_PUBLIC_URL: "https://redial.acme.example", REDIAL_API_TOKEN: "from-the-environment" },
        { Table: { name: "redial-prod-Table" }, ApiToken: { value: API_TOKEN }, UnsubscribeKey: {} },
      ),
    ).toEqual({
      REDIAL_PUBLIC_URL: "https://redial.acme.example",
      REDIAL_TABLE_NAME: "redial-prod-Table",
      REDIAL_API_TOKEN: API_TOKEN,
    });
  });
});
