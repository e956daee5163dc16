/**
 * `npm run bench`: Redial's throughput next to a raw baseline measured in the same run, on the same
 * machine, so the ratio means something where the absolute figures do not. Writes
 * bench/results/latest.json and latest.md. Nothing here is asserted by tests.
 *
 * 1. decide() alone, one core, over a mix of the example events (first contact and follow-ups), next
 *    to validating the same events with their zod schema; template rendering next to liquidjs alone.
 * 2. Ingest over HTTP through the local runtime (16 concurrent clients, one new prospect per event),
 *    next to raw TransactWriteItems on the same DynamoDB Local: the very request an ingest commit
 *    sends (captured from a real one, keys swapped for fresh ones of the same length), 16 concurrent.
 * 3. DynamoDB requests per applied event, counted on the runtime's own client.
 * 4. The timer runner (issue 3): runDueTimer on due nurture emails, 16 concurrent workers, with the
 *    runtime's store, clock and the SES v2 local server; email steps per second next to (3)'s raw
 *    TransactWriteItems, and DynamoDB requests per email step.
 * 5. The weekly export (issue 4): 100,000 rows as CSV through the route next to a raw paginated Query
 *    of the same index, each in its own child process, time and peak RSS (bench/export.ts).
 * 6. Cold start (issue 5): each Lambda bundle (npm run build:functions) in a fresh node process, ms
 *    from process start to its first response, next to a minimal handler importing the same AWS SDK
 *    clients (bench/cold-start.ts).
 *
 * 7. The bulk import (issue 7): 100,000 rows through `npx redial import` in its own process, valid
 *    rows per second next to (2)'s raw TransactWriteItems, and its RSS along the way (bench/import.ts).
 * 8. CRM mapping: a Pipedrive activity with a 1 MiB note through mapPipedrive(), one core, next to
 *    JSON.parse of the same body (bench/crm.ts).
 *
 * BENCH_ONLY=cold-start runs only (6), against its own local runtime, and writes
 * bench/results/cold-start.json and cold-start.md (latest.* are left as they are). BENCH_ONLY=import
 * runs (2)'s raw baseline and (7), and writes bench/results/import.json and import.md. BENCH_ONLY=decide
 * runs (1)'s decide() measures, warm and cold (G2 holidays of a year not yet seen), and writes
 * bench/results/decide.json and decide.md. BENCH_ONLY=crm runs (8) and writes bench/results/crm.json
 * and crm.md.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import {
  DynamoDBClient,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
} from "@aws-sdk/client-dynamodb";
import { countRequests } from "@redial/aws";
import { splitTemplates } from "@redial/core";
import { loadPlaybook, readTemplateSources, webhookHeaders } from "@redial/functions";
import { DEV_WEBHOOK_SECRET, type Runtime, startRuntime } from "@redial/local";
import { Liquid } from "liquidjs";
// ——— template rendering (issue 3) ———
import { loadTemplates } from "../packages/functions/src/templates.ts";
import { loadExamples } from "../test/support/examples.ts";
import { benchColdStart, COLD_START_RUNS, type ColdStartResults, coldStartRows } from "./cold-start.ts";
import {
  BENCH_PLACES,
  CLIENTS,
  COLD_YEARS,
  concurrently,
  DECIDE_RUN_MS,
  DECIDE_RUNS,
  DECIDE_VARIANTS,
  EVENTS_PER_CLIENT,
  fmt,
  interleaved,
  log,
  median,
  pad,
  placeName,
  RESULTS_DIR,
  ROUNDS,
  round2,
  TARGETS,
  type Timed,
} from "./common.ts";
import { benchCrm, CRM_RUNS, crmOnly } from "./crm.ts";
import { benchDecide, benchDecideCold, decideOnly } from "./decide.ts";
import { benchExport, EXPORT_ROUNDS, EXPORT_ROWS } from "./export.ts";
import { benchImport, IMPORT_ROWS, importRows } from "./import.ts";
import { toMarkdown } from "./report.ts";
import { benchTimerRunner, TIMER_PER_WORKER, TIMER_ROUNDS } from "./timer-runner.ts";

async function main() {
  const exampleBodies = loadExamples().map((example) => example.body);
  const started = Date.now();

  log(`decide(): ${DECIDE_RUNS} runs of ${DECIDE_RUN_MS} ms`);
  const decideRuns = benchDecide(exampleBodies);
  log(`decide() over ${DECIDE_VARIANTS} variants: ${DECIDE_RUNS} runs of ${DECIDE_RUN_MS} ms`);
  const variedRuns = benchDecide(exampleBodies, DECIDE_VARIANTS);
  log(`decide() cold: ${COLD_YEARS} fresh years × ${BENCH_PLACES.length} places`);
  const decideCold = benchDecideCold(exampleBodies);
  // ——— template rendering (issue 3) ———
  log(`template rendering: ${DECIDE_RUNS} runs of ${DECIDE_RUN_MS} ms`);
  const renderRuns = benchRender();
  log(`crm: mapPipedrive() on 1 MiB notes, ${CRM_RUNS} runs each`);
  const crm = benchCrm();

  log("starting the local runtime (DynamoDB Local, SES, API)");
  const runtime = await startRuntime({ port: 0, dynamoPort: 0, sesPort: 0, env: {}, log: "silent" });
  try {
    // Only ingest's requests are counted and timed: the timer loop's polling is another workload.
    await runtime.loop.stop();
    const template = exampleBodies[0] ?? "";
    const raw = new DynamoDBClient({
      endpoint: runtime.dynamoEndpoint,
      region: "local",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    const commit = await captureCommit(runtime, template);
    log(
      `one ingest commit: ${commit.items} items in ${commit.bytes} bytes; warming up both JITs (Node, java)`,
    );
    for (const round of [1, 2]) {
      await benchIngest(runtime, template, `w${round}i`, EVENTS_PER_CLIENT);
      await benchRaw(raw, commit, `w${round}r`, EVENTS_PER_CLIENT);
    }

    const counter = countRequests(runtime.client);
    const ingestRuns: Timed[] = [];
    const rawRuns: Timed[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // Interleaved, so a noisy moment hurts both sides alike.
      ingestRuns.push(await benchIngest(runtime, template, `i${pad(round, 2)}`, EVENTS_PER_CLIENT));
      rawRuns.push(await benchRaw(raw, commit, `r${pad(round, 2)}`, EVENTS_PER_CLIENT));
      log(
        `round ${round}/${ROUNDS}: ingest ${fmt(ingestRuns.at(-1)?.perSecond)}/s, raw ${fmt(rawRuns.at(-1)?.perSecond)}/s`,
      );
    }
    const events = ROUNDS * CLIENTS * EVENTS_PER_CLIENT;
    const requestsPerEvent = Object.fromEntries(
      Object.entries(counter.counts).map(([name, count]) => [name, round2(count / events)]),
    );
    raw.destroy();
    const rawPerSecond = median(rawRuns.map((r) => r.perSecond));

    // ——— timer runner (issue 3) ———
    log(
      `timer runner: ${TIMER_ROUNDS} rounds of ${CLIENTS * TIMER_PER_WORKER} due emails (${CLIENTS} workers), each arranged by ingest first`,
    );
    const timerRunner = await benchTimerRunner(runtime, template, rawPerSecond);

    // ——— the weekly export (issue 4) ———
    log(
      `export: ${fmt(EXPORT_ROWS)} queue-history rows, ${EXPORT_ROUNDS} interleaved rounds next to a raw Query`,
    );
    const exportResults = await benchExport(runtime);

    // ——— cold start (issue 5) ———
    log(`cold start: each bundle and a minimal handler, ${COLD_START_RUNS} fresh processes each`);
    const coldStart = await benchColdStart(runtime);

    // ——— the bulk import (issue 7) ———
    log(`import: ${fmt(IMPORT_ROWS)} rows through npx redial import`);
    const importResults = await benchImport(runtime, rawPerSecond);

    const results = {
      generatedAt: new Date().toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      machine: {
        os: `${os.type()} ${os.release()} (${os.platform()}/${os.arch()})`,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? "unknown",
        memoryGiB: round2(os.totalmem() / 2 ** 30),
        node: process.version,
        note: "Client and API server share one Node process (timer loop paused); DynamoDB Local (java) runs beside it on the same cores.",
      },
      decide: {
        inputs: "the 6 example events as first contact, and each again as a follow-up a day later",
        runs: decideRuns.runs.map(Math.round),
        medianPerSecond: Math.round(median(decideRuns.runs)),
        raw: perSecondOf("InboundEvent.parse() of the same events (zod validation)", decideRuns.rawRuns),
        target: TARGETS.decidePerSecond,
      },
      decideVaried: {
        inputs: `the same mix at ${DECIDE_VARIANTS} different times in ${BENCH_PLACES.length} countries (${BENCH_PLACES.map(placeName).join(", ")}; ${DECIDE_VARIANTS * 12} decisions per pass)`,
        runs: variedRuns.runs.map(Math.round),
        medianPerSecond: Math.round(median(variedRuns.runs)),
        raw: perSecondOf("InboundEvent.parse() of the same events (zod validation)", variedRuns.rawRuns),
        target: TARGETS.decidePerSecond,
      },
      decideCold,
      // ——— template rendering (issue 3) ———
      render: {
        inputs: "every template the playbook uses, for a full prospect and one with only the owner's name",
        runs: renderRuns.runs.map(Math.round),
        medianPerSecond: Math.round(median(renderRuns.runs)),
        raw: perSecondOf("liquidjs alone (default options) rendering the same parts", renderRuns.rawRuns),
        target: RENDER_TARGET_PER_SECOND,
      },
      ingest: {
        clients: CLIENTS,
        eventsPerRun: CLIENTS * EVENTS_PER_CLIENT,
        runs: ingestRuns,
        medianPerSecond: Math.round(median(ingestRuns.map((r) => r.perSecond))),
        medianP50Ms: round2(median(ingestRuns.map((r) => r.p50Ms))),
        medianP95Ms: round2(median(ingestRuns.map((r) => r.p95Ms))),
      },
      rawTransactWriteItems: {
        clients: CLIENTS,
        transactionsPerRun: CLIENTS * EVENTS_PER_CLIENT,
        itemsPerTransaction: commit.items,
        requestBytes: commit.bytes,
        runs: rawRuns,
        medianPerSecond: Math.round(median(rawRuns.map((r) => r.perSecond))),
        medianP50Ms: round2(median(rawRuns.map((r) => r.p50Ms))),
        medianP95Ms: round2(median(rawRuns.map((r) => r.p95Ms))),
      },
      ingestToRaw: {
        ratio: round2(median(ingestRuns.map((r) => r.perSecond)) / rawPerSecond),
        target: TARGETS.ingestToRaw,
      },
      requestsPerEvent,
      // ——— timer runner (issue 3) ———
      timerRunner,
      // ——— the weekly export (issue 4) ———
      export: exportResults,
      // ——— cold start (issue 5) ———
      coldStart,
      // ——— the bulk import (issue 7) ———
      import: importResults,
      crm,
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
    const markdown = toMarkdown(results);
    writeFileSync(join(RESULTS_DIR, "latest.md"), markdown);
    process.stdout.write(`\n${markdown}`);
  } finally {
    await runtime.stop();
  }
}

const perSecondOf = (what: string, runs: number[]) => ({
  what,
  runs: runs.map(Math.round),
  medianPerSecond: Math.round(median(runs)),
});

// ——— template rendering (issue 3) ———

const RENDER_TARGET_PER_SECOND = 20_000;

/** Renders per second (subject, text, HTML), one run per entry; templates parsed once, one core. */
function benchRender(): { runs: number[]; rawRuns: number[] } {
  const templates = loadTemplates();
  const names = [
    ...new Set(Object.values(loadPlaybook().sequences).flatMap((s) => s.steps.map((step) => step.template))),
  ];
  const people = [
    {
      prospect: { firstName: "Dana", company: "Northwind Logistics", title: "VP Operations" },
      owner: { name: "Sam Carter", firstName: "Sam", signature: "Sam Carter\nAccount Executive, Acme" },
      team: { name: "Acme" },
    },
    { prospect: {}, owner: { name: "Sam Carter" } },
  ];
  // Raw baseline: liquidjs alone, default options, rendering the same parts (subject, text, and the
  // HTML part where a template has one) with the same variables: no strictness, footer or tidying.
  const liquid = new Liquid();
  const parts = Object.values(splitTemplates(readTemplateSources()))
    .filter((t) => names.includes(t.name))
    .map((t) => [t.subject, t.text, ...(t.html ? [t.html] : [])].map((part) => liquid.parse(part.source)));
  return interleaved(
    () => {
      let n = 0;
      for (const name of names) for (const vars of people) n += templates.render(name, vars).html.length;
      return n;
    },
    () => {
      let n = 0;
      for (const template of parts)
        for (const vars of people)
          for (const part of template) n += (liquid.renderSync(part, vars) as string).length;
      return n;
    },
    names.length * people.length,
  );
}

// ——— end of template rendering ———

/** `16 × perClient` signed events, one new prospect each, posted by 16 concurrent clients. */
async function benchIngest(
  runtime: Runtime,
  template: string,
  tag: string,
  perClient: number,
): Promise<Timed> {
  const event = JSON.parse(template) as { prospect: { id: string } };
  const timestamp = Math.floor(Date.now() / 1000);
  // Signed before the clock starts: the client's HMAC is not the server's cost.
  const deliveries = Array.from({ length: CLIENTS * perClient }, (_, n) => {
    const id = `msg_bench_${tag}_${pad(n, 6)}`;
    const body = JSON.stringify({
      ...event,
      prospect: { ...event.prospect, id: `bench:${tag}:${pad(n, 6)}` },
    });
    return { body, headers: webhookHeaders({ id, body, secret: DEV_WEBHOOK_SECRET, timestamp }) };
  });
  return concurrently(deliveries, async ({ body, headers }) => {
    const response = await fetch(`${runtime.url}/v1/events`, { method: "POST", body, headers });
    const result = (await response.json()) as { applied?: boolean };
    if (response.status !== 202 || !result.applied) {
      throw new Error(`Ingest answered ${response.status}: ${JSON.stringify(result)}`);
    }
  });
}

interface CapturedCommit {
  /** The TransactWriteItems request body, as sent. */
  body: string;
  prospectId: string;
  webhookId: string;
  items: number;
  bytes: number;
}

/** Ingests one event and keeps the TransactWriteItems request its commit sent. */
async function captureCommit(runtime: Runtime, template: string): Promise<CapturedCommit> {
  const name = "benchCaptureCommit";
  let body: string | undefined;
  runtime.client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      if (request.headers?.["x-amz-target"]?.endsWith(".TransactWriteItems")) {
        // Recent SDKs serialize to bytes (a Uint8Array), older ones to a string.
        if (typeof request.body === "string") body = request.body;
        else if (request.body instanceof Uint8Array) body = new TextDecoder().decode(request.body);
      }
      return next(args);
    },
    { step: "build", name },
  );
  const event = JSON.parse(template) as { prospect: { id: string } };
  const prospectId = "bench:cap:000000";
  const webhookId = "msg_bench_cap_000000";
  const payload = JSON.stringify({ ...event, prospect: { ...event.prospect, id: prospectId } });
  const response = await fetch(`${runtime.url}/v1/events`, {
    method: "POST",
    body: payload,
    headers: webhookHeaders({ id: webhookId, body: payload, secret: DEV_WEBHOOK_SECRET }),
  });
  runtime.client.middlewareStack.remove(name);
  if (response.status !== 202 || !body)
    throw new Error(`Could not capture an ingest commit (${response.status})`);
  const input = JSON.parse(body) as TransactWriteItemsCommandInput;
  return {
    body,
    prospectId,
    webhookId,
    items: input.TransactItems?.length ?? 0,
    bytes: Buffer.byteLength(body),
  };
}

/** The captured commit again and again, each time for a new prospect and webhook id of the same length. */
async function benchRaw(
  client: DynamoDBClient,
  commit: CapturedCommit,
  tag: string,
  perClient: number,
): Promise<Timed> {
  const inputs = Array.from({ length: CLIENTS * perClient }, (_, n) => {
    const body = commit.body
      .replaceAll(commit.prospectId, `bench:${tag}:${pad(n, 6)}`)
      .replaceAll(commit.webhookId, `msg_bench_${tag}_${pad(n, 6)}`);
    const input = JSON.parse(body) as TransactWriteItemsCommandInput;
    return { ...input, ClientRequestToken: randomUUID() };
  });
  return concurrently(inputs, async (input) => {
    await client.send(new TransactWriteItemsCommand(input));
  });
}

/** BENCH_ONLY=cold-start: section 6 alone, written beside latest.* rather than over them. */
async function coldStartOnly() {
  log("starting the local runtime (DynamoDB Local, SES, API)");
  const runtime = await startRuntime({ port: 0, dynamoPort: 0, sesPort: 0, env: {}, log: "silent" });
  try {
    await runtime.loop.stop();
    log(`cold start: each bundle and a minimal handler, ${COLD_START_RUNS} fresh processes each`);
    const coldStart: ColdStartResults = await benchColdStart(runtime);
    const results = { generatedAt: new Date().toISOString(), node: process.version, coldStart };
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, "cold-start.json"), `${JSON.stringify(results, null, 2)}\n`);
    const markdown = `# Redial cold start\n\n${results.generatedAt} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown"} · Node ${process.version}\n\n${coldStart.note}\n\n| measure | median | runs | target |\n|---|---:|---|---|\n${coldStartRows(coldStart)}`;
    writeFileSync(join(RESULTS_DIR, "cold-start.md"), markdown);
    process.stdout.write(`\n${markdown}`);
  } finally {
    await runtime.stop();
  }
}

/** BENCH_ONLY=import: (2)'s raw baseline, then section 7, written beside latest.* rather than over them. */
async function importOnly() {
  log("starting the local runtime (DynamoDB Local, SES, API)");
  const runtime = await startRuntime({ port: 0, dynamoPort: 0, sesPort: 0, env: {}, log: "silent" });
  try {
    await runtime.loop.stop();
    const raw = new DynamoDBClient({
      endpoint: runtime.dynamoEndpoint,
      region: "local",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    const commit = await captureCommit(runtime, loadExamples()[0]?.body ?? "");
    await benchRaw(raw, commit, "w1r", EVENTS_PER_CLIENT); // JIT warm-up
    const rawRuns: Timed[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      rawRuns.push(await benchRaw(raw, commit, `r${pad(round, 2)}`, EVENTS_PER_CLIENT));
      log(`raw round ${round}/${ROUNDS}: ${fmt(rawRuns.at(-1)?.perSecond)}/s`);
    }
    raw.destroy();
    const rawPerSecond = Math.round(median(rawRuns.map((r) => r.perSecond)));
    log(`import: ${fmt(IMPORT_ROWS)} rows through npx redial import`);
    const result = await benchImport(runtime, rawPerSecond);
    const results = { generatedAt: new Date().toISOString(), node: process.version, rawRuns, import: result };
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, "import.json"), `${JSON.stringify(results, null, 2)}\n`);
    const markdown = `# Redial bulk import\n\n${results.generatedAt} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown"} · Node ${process.version}\n\nRaw TransactWriteItems rounds (the ingest commit, ${CLIENTS} clients): ${rawRuns.map((r) => fmt(r.perSecond)).join(", ")}/s.\n\n| measure | value | detail | target |\n|---|---:|---|---|\n${importRows(result)}`;
    writeFileSync(join(RESULTS_DIR, "import.md"), markdown);
    process.stdout.write(`\n${markdown}`);
  } finally {
    await runtime.stop();
  }
}

if (process.env.BENCH_ONLY === "cold-start") await coldStartOnly();
else if (process.env.BENCH_ONLY === "decide") decideOnly();
else if (process.env.BENCH_ONLY === "import") await importOnly();
else if (process.env.BENCH_ONLY === "crm") crmOnly();
else if (process.env.BENCH_ONLY)
  throw new Error(`BENCH_ONLY must be cold-start, import, decide or crm (got ${process.env.BENCH_ONLY})`);
else await main();
