/**
 * Bundles that run (issue 5): every Lambda entry built with esbuild as SST builds it
 * (scripts/build-functions.ts), each within its size budget, then each bundle imported by plain
 * `node` in a child process of its own (a clean cold start, the module-load environment its own) and
 * invoked with the events AWS would send, against the local runtime's DynamoDB Local and SES server.
 * The playbook and templates come from the bundle: the child lists the files it read, and none is
 * under playbook/. No timings are asserted here (bench/cold-start.ts measures them).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { prospectTag } from "@redial/core";
import { webhookHeaders } from "@redial/functions";
import { DEV_API_TOKEN, DEV_WEBHOOK_SECRET, lambdaEnv, type Runtime, startRuntime } from "@redial/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuildReport, buildFunctions, ROOT } from "../../scripts/build-functions.ts";
import { PLAYBOOK_FILES_STUB } from "../../stacks/esbuild-plugins.mjs";

const run = promisify(execFile);
// Per process: another checkout user's test run must not delete this one's bundles mid-run.
const OUT_DIR = join(ROOT, `.build/test/functions-${process.pid}`);
const INVOKER = join(ROOT, "scripts/invoke-bundle.mjs");

let report: BuildReport;
let runtime: Runtime;

beforeAll(async () => {
  [report, runtime] = await Promise.all([
    buildFunctions(OUT_DIR),
    startRuntime({ port: 0, dynamoPort: 0, sesPort: 0, env: {}, log: "silent" }),
  ]);
  // The bundles run the timers here; the runtime's own loop would race them.
  await runtime.loop.stop();
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
  rmSync(OUT_DIR, { recursive: true, force: true });
}, 30_000);

interface ChildResult {
  importedMs: number;
  firstResponseMs: number;
  results: unknown[];
  filesRead: string[];
  loadError?: string;
}

/** What a deployed function gets, pointed at the local runtime, and the file-read trace. */
const childEnv = () => ({ ...lambdaEnv(runtime), REDIAL_TRACE_FS: "1" });

/** Imports `<OUT_DIR>/<name>/index.mjs` in a fresh node and calls its handler with each event. */
async function invoke(name: string, events: unknown[]): Promise<ChildResult> {
  const bundle = join(OUT_DIR, name, "index.mjs");
  const { stdout } = await run(process.execPath, [INVOKER, bundle, JSON.stringify(events)], {
    cwd: ROOT,
    env: childEnv(),
    maxBuffer: 16 << 20,
  });
  const line = stdout.split("\n").find((l) => l.startsWith("@@result "));
  if (!line) throw new Error(`No result from ${name}:\n${stdout}`);
  const result = JSON.parse(line.slice("@@result ".length)) as ChildResult;
  expect(result.loadError).toBeUndefined();
  // Everything the function needs is in the bundle: no playbook or template file was read.
  expect(result.filesRead.filter((file) => file.includes("/playbook"))).toEqual([]);
  return result;
}

/** An API Gateway HTTP API (payload 2.0) event, as the `$default` route delivers it. */
function httpEvent(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const [rawPath = path, rawQueryString = ""] = path.split("?");
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    headers: { host: "api.example", "user-agent": "bundle-test", ...headers },
    requestContext: {
      accountId: "123456789012",
      apiId: "api",
      domainName: "api.example",
      domainPrefix: "api",
      http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "bundle-test" },
      requestId: "req-1",
      routeKey: "$default",
      stage: "$default",
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
    ...(body === undefined ? {} : { body }),
  };
}

type HttpResult = { statusCode: number; body: string; headers: Record<string, string> };

const PROSPECT = "bundle:51234";
const EMAIL = "dana.bundle@northwind.example";

describe("the build", () => {
  it("bundles every Lambda entry, each within its budget (API 1.3 MB, others 1.25 MB, AWS SDK external)", () => {
    const names = report.functions.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(["api", "export", "ses-events", "timers"]));
    for (const f of report.functions) {
      expect(f.bytes, f.name).toBeLessThanOrEqual(f.name === "api" ? 1_300_000 : 1_250_000);
      expect(f.withinBudget, f.name).toBe(true);
    }
    expect(report.ok).toBe(true);
    expect(report.esbuild).toMatchObject({ target: "node22", format: "esm", external: ["@aws-sdk/*"] });
    const sizes = JSON.parse(readFileSync(join(OUT_DIR, "sizes.json"), "utf8")) as BuildReport;
    expect(sizes.functions.map((f) => f.name)).toEqual(names);
  });

  it("embeds the playbook and every template, and leaves only the AWS SDK to import", () => {
    const code = readFileSync(join(OUT_DIR, "timers/index.mjs"), "utf8");
    expect(code).toContain("__REDIAL_EMBEDDED__");
    expect(code).toContain("bad-time-note");
    const imports = [...code.matchAll(/\bimport\s*(?:[\w$\s{},*]+from\s*)?"([^"]+)"/g)].map(
      (m) => m[1] ?? "",
    );
    expect(imports).toContain("@aws-sdk/client-dynamodb");
    const builtin = (spec: string) => spec.startsWith("node:") || builtinModules.includes(spec);
    expect(imports.filter((spec) => !builtin(spec) && !spec.startsWith("@aws-sdk/"))).toEqual([]);
    // stacks/esbuild-plugins.mjs swapped the file readers for a stub: no YAML parser in the bundle.
    expect(code).not.toContain("YAMLParseError");
    expect(code).toContain("a Redial bundle embeds its playbook");
    // …and moment-timezone for its Intl stand-in: no tz database in the bundle (test/bundles/moment-shim.test.ts).
    expect(code).not.toContain("Moment Timezone");
    expect(code).toContain("moment shim:");
  });

  it("stubs the file readers with exactly their exports (a new one would be undefined in a bundle)", async () => {
    const real = await import("../../packages/functions/src/playbook-files.ts");
    const dir = mkdtempSync(join(tmpdir(), "redial-stub-"));
    const stub = join(dir, "stub.mjs");
    writeFileSync(stub, PLAYBOOK_FILES_STUB);
    const stubbed = await import(pathToFileURL(stub).href);
    expect(Object.keys(stubbed).sort()).toEqual(Object.keys(real).sort());
    expect(() => stubbed.readPlaybookFile()).toThrow(/embeds its playbook/);
    rmSync(dir, { recursive: true });
  });
});

describe("each bundle, imported by node and invoked against the local runtime", () => {
  it("api: GET /health, a signed POST /v1/events (202), the prospect with the bearer token", async () => {
    const event = JSON.parse(readFileSync(join(ROOT, "../shared/examples/events/01-all-set.json"), "utf8"));
    // The runtime runs on the wall clock: a rejection from the example's date (November) would be too
    // old for its bad-time note (G8), and the timers test below needs that email timer. A minute ago.
    const occurredAt = new Date(Date.now() - 60_000).toISOString();
    const body = JSON.stringify({
      ...event,
      occurredAt,
      prospect: { ...event.prospect, id: PROSPECT, email: EMAIL },
    });
    const headers = {
      ...webhookHeaders({ id: "msg_bundle_1", body, secret: DEV_WEBHOOK_SECRET }),
      "content-type": "application/json",
    };
    const { results } = await invoke("api", [
      httpEvent("GET", "/health"),
      httpEvent("POST", "/v1/events", headers, body),
      httpEvent("GET", `/v1/prospects/${encodeURIComponent(PROSPECT)}`, {
        authorization: `Bearer ${DEV_API_TOKEN}`,
      }),
    ]);
    const [health, posted, prospect] = results as HttpResult[];
    expect(health).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(health?.body ?? "")).toEqual({ status: "ok" });
    expect(posted?.statusCode, posted?.body).toBe(202);
    expect(JSON.parse(posted?.body ?? "")).toMatchObject({ decision: { rule: "R2" } });
    expect(prospect?.statusCode).toBe(200);
    // Written to the runtime's table, where the other bundles will find it.
    expect((await runtime.store.getProspect(PROSPECT))?.prospect.timers.length).toBeGreaterThan(0);
  });

  it("timers: the bad-time-note email timer runs (sent, or deferred outside business hours); a stale payload is stale", async () => {
    const stored = await runtime.store.getProspect(PROSPECT);
    const email = stored?.prospect.timers.find((t) => t.kind === "email");
    expect(email).toBeDefined();
    const { results } = await invoke("timers", [
      { prospectId: PROSPECT, timerId: email?.id, kind: "email", at: email?.at },
      { prospectId: PROSPECT, timerId: "tmr_gone", kind: "call", at: "2026-11-17T15:00:00.000Z" },
    ]);
    // The runner checks the prospect's business hours on the wall clock: at night or on a weekend
    // it defers. Either way the bundle loaded every template the playbook names (its cold start
    // fails otherwise) from itself, not from files.
    const first = results[0] as { result: string };
    expect(["sent", "deferred"]).toContain(first.result);
    expect(results[1]).toEqual({ result: "stale" });
    if (first.result === "sent") {
      const store = await (await fetch(`${runtime.sesUrl}/store`)).text();
      expect(store).toContain(EMAIL);
    }
  });

  it("ses-events: a permanent bounce for the prospect's address suppresses it (R11)", async () => {
    const event = JSON.parse(readFileSync(join(ROOT, "test/fixtures/ses/bounce-permanent.json"), "utf8")) as {
      detail: {
        mail: { tags: Record<string, string[]> };
        bounce: { bouncedRecipients: { emailAddress: string }[] };
      };
    };
    event.detail.mail.tags.prospect = [prospectTag(PROSPECT)];
    for (const r of event.detail.bounce.bouncedRecipients) r.emailAddress = EMAIL;
    const { results } = await invoke("ses-events", [event]);
    expect(results[0]).toEqual([
      { prospectId: PROSPECT, kind: "bounced", rule: "R11", applied: true, found: true },
    ]);
  });

  it("export: the weekly export runs against the table and answers its outcome", async () => {
    const { results } = await invoke("export", [{}]);
    expect(results[0]).toMatchObject({ result: expect.stringMatching(/^(sent|skipped)$/) });
    expect(results[0]).not.toHaveProperty("error");
  });

  it("every other entry (e.g. the reconciliation) loads and answers", async () => {
    const others = report.functions.filter(
      (f) => !["api", "export", "ses-events", "timers"].includes(f.name),
    );
    for (const f of others) {
      const { results } = await invoke(f.name, [{}]);
      expect(results[0], f.name).not.toHaveProperty("error");
    }
  });
});
