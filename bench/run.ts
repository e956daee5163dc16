/**
 * `npm run bench`: Redial's throughput next to a raw baseline measured in the same run, on the same
 * machine, so the ratio means something where the absolute figures do not. Writes
 * bench/results/latest.json and latest.md. Nothing here is asserted by tests.
 *
 * 1. decide() alone, one core, over a mix of the example events (first contact and follow-ups).
 * 2. Ingest over HTTP through the local runtime (16 concurrent clients, one new prospect per event),
 *    next to raw TransactWriteItems on the same DynamoDB Local: the very request an ingest commit
 *    sends (captured from a real one, keys swapped for fresh ones of the same length), 16 concurrent.
 * 3. DynamoDB requests per applied event, counted on the runtime's own client.
 * 4. The timer runner (issue 3): runDueTimer on due nurture emails, 16 concurrent workers, with the
 *    runtime's store, clock and the SES v2 local server; email steps per second next to (3)'s raw
 *    TransactWriteItems, and DynamoDB requests per email step.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DynamoDBClient,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
} from "@aws-sdk/client-dynamodb";
import { countRequests, createSesClient, SesMailer } from "@redial/aws";
import {
  composer,
  type DecisionInput,
  type DueResult,
  decide,
  InboundEvent,
  type Prospect,
  runDueTimer,
  type SendDeps,
} from "@redial/core";
import { loadPlaybook, signWebhook } from "@redial/functions";
import { DEV_WEBHOOK_SECRET, type Runtime, startRuntime } from "@redial/local";
import { DateTime } from "luxon";
// ——— template rendering (issue 3) ———
import { loadTemplates } from "../packages/functions/src/templates.ts";
import { loadExamples } from "../test/support/examples.ts";

const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));

const DECIDE_RUNS = 5;
const DECIDE_RUN_MS = 1_000;
const DECIDE_VARIANTS = 2_000;
const CLIENTS = 16;
const ROUNDS = 5;
const EVENTS_PER_CLIENT = 32;
const TARGETS = { decidePerSecond: 50_000, ingestToRaw: 0.5 };

interface Timed {
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
}

async function main() {
  const exampleBodies = loadExamples().map((example) => example.body);
  const started = Date.now();

  log(`decide(): ${DECIDE_RUNS} runs of ${DECIDE_RUN_MS} ms`);
  const decideRuns = benchDecide(exampleBodies);
  log(`decide() over ${DECIDE_VARIANTS} variants: ${DECIDE_RUNS} runs of ${DECIDE_RUN_MS} ms`);
  const variedRuns = benchDecide(exampleBodies, DECIDE_VARIANTS);
  // ——— template rendering (issue 3) ———
  log(`template rendering: ${DECIDE_RUNS} runs of ${DECIDE_RUN_MS} ms`);
  const renderRuns = benchRender();

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
        runs: decideRuns.map(Math.round),
        medianPerSecond: Math.round(median(decideRuns)),
        target: TARGETS.decidePerSecond,
      },
      decideVaried: {
        inputs: `the same mix at ${DECIDE_VARIANTS} different times and in 5 zones (${DECIDE_VARIANTS * 12} decisions per pass)`,
        runs: variedRuns.map(Math.round),
        medianPerSecond: Math.round(median(variedRuns)),
        target: TARGETS.decidePerSecond,
      },
      // ——— template rendering (issue 3) ———
      render: {
        inputs: "every template the playbook uses, for a full prospect and one with only the owner's name",
        runs: renderRuns.map(Math.round),
        medianPerSecond: Math.round(median(renderRuns)),
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

/** Decisions per second, one run per entry. A plain loop on the main thread: one core. */
function benchDecide(bodies: string[], variants = 1): number[] {
  const playbook = loadPlaybook();
  const firsts = bodies.map((body) => InboundEvent.parse(JSON.parse(body)));
  const zones = [
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Europe/Paris",
    "Asia/Kolkata",
  ];
  const mix: { before: Prospect | null; input: DecisionInput; now: Date }[] = [];
  for (let v = 0; v < variants; v++) {
    // With variants, every event happens at its own minute (37 min apart, over ~5 years of dates) in
    // one of five zones, so the calendar's memoised instants and strings see real variety, not repeats.
    const shift = v * 37 * 60_000;
    for (const first of firsts) {
      const occurredAt = new Date(Date.parse(first.occurredAt) + shift).toISOString();
      const prospect =
        variants > 1 ? { ...first.prospect, timezone: zones[v % zones.length] } : first.prospect;
      const input = { ...first, occurredAt, prospect } as InboundEvent;
      const now =
        variants > 1 ? new Date(Date.parse(occurredAt) + 3_600_000) : new Date("2026-12-01T12:00:00Z");
      const before = decide(null, input, playbook, now).next;
      const later = new Date(Date.parse(occurredAt) + 86_400_000).toISOString();
      mix.push({ before: null, input, now }, { before, input: { ...input, occurredAt: later }, now });
    }
  }
  let sink = 0;
  const run = (ms: number) => {
    const start = performance.now();
    let count = 0;
    while (performance.now() - start < ms) {
      for (const { before, input, now } of mix) sink += decide(before, input, playbook, now).actions.length;
      count += mix.length;
    }
    return (count * 1000) / (performance.now() - start);
  };
  run(1_500); // warm-up: luxon's zone code takes a while to settle in the JIT
  const runs = Array.from({ length: DECIDE_RUNS }, () => run(DECIDE_RUN_MS));
  if (sink < 0) log("unreachable"); // keeps the work observable
  return runs;
}

// ——— template rendering (issue 3) ———

const RENDER_TARGET_PER_SECOND = 20_000;

/** Renders per second (subject, text, HTML), one run per entry; templates parsed once, one core. */
function benchRender(): number[] {
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
  let sink = 0;
  const run = (ms: number) => {
    const start = performance.now();
    let count = 0;
    while (performance.now() - start < ms) {
      for (const name of names) for (const vars of people) sink += templates.render(name, vars).html.length;
      count += names.length * people.length;
    }
    return (count * 1000) / (performance.now() - start);
  };
  run(1_000); // warm-up
  const runs = Array.from({ length: DECIDE_RUNS }, () => run(DECIDE_RUN_MS));
  if (sink < 0) log("unreachable"); // keeps the work observable
  return runs;
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
    return {
      body,
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signWebhook({ id, timestamp, body, secret: DEV_WEBHOOK_SECRET }),
      },
    };
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
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(`${runtime.url}/v1/events`, {
    method: "POST",
    body: payload,
    headers: {
      "content-type": "application/json",
      "webhook-id": webhookId,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signWebhook({
        id: webhookId,
        timestamp,
        body: payload,
        secret: DEV_WEBHOOK_SECRET,
      }),
    },
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

// ——— timer runner (issue 3) ———

const TIMER_ROUNDS = 5;
/** Due emails per worker and round: 16 × 32 = 512 email steps a round. */
const TIMER_PER_WORKER = 32;
/** The bench prospects' zone: the nurture drip goes out in its preferred window (Tue–Thu 08:00–11:00). */
const TIMER_ZONE = "America/Chicago";
const TIMER_NOTE =
  "Each email step is runDueTimer() on a due nurture email: one read, the claim, the send, the record. " +
  "The send goes to the SES v2 local server, which runs in the same Node process: its HTTP round trip " +
  "and its work are part of each step's cost (the raw baseline has none). Each prospect has its own " +
  "owner, so G3's sender cap (200 a day) and a shared sender-day counter are not what is measured.";

type TimerKey = { prospectId: string; timerId: string; kind: "email" };

interface TimerRunnerResults {
  workers: number;
  /** Email steps per round. */
  steps: number;
  runs: Timed[];
  medianPerSecond: number;
  requestsPerStep: Record<string, number>;
  /** medianPerSecond ÷ the raw TransactWriteItems median of the same run. */
  ratioToRaw: number;
  note: string;
}

/**
 * Rounds of due email steps through runDueTimer, each round on fresh prospects (arranged first,
 * untimed and uncounted), with the send deps the runtime's timer loop uses: its store and clock, a
 * SesMailer on its SES v2 local server, the same composer; a silent log and no-op Timers.
 */
async function benchTimerRunner(
  runtime: Runtime,
  template: string,
  rawPerSecond: number,
): Promise<TimerRunnerResults> {
  const deps = sendDeps(runtime);
  const counter = countRequests(runtime.client);
  const run = async (keys: TimerKey[]) => {
    const results: DueResult[] = [];
    const timed = await concurrently(keys, async (key) => {
      results.push(await runDueTimer(key, deps));
    });
    // Only a sent email is a full step: a deferral or a drop would make the figure look better.
    const other = results.filter((result) => result.result !== "sent");
    if (other.length) {
      throw new Error(
        `${other.length} of ${keys.length} email steps did not send, e.g. ${JSON.stringify(other[0])}`,
      );
    }
    return timed;
  };

  // Warm-up: one full round on this path (the SES client, the claim's transaction in java).
  await run(await arrangeDueEmails(runtime, template, "tw", TIMER_PER_WORKER));
  const counts: Record<string, number> = {};
  const runs: Timed[] = [];
  for (let round = 1; round <= TIMER_ROUNDS; round++) {
    const keys = await arrangeDueEmails(runtime, template, `t${pad(round, 2)}`, TIMER_PER_WORKER);
    counter.reset();
    runs.push(await run(keys));
    for (const [name, count] of Object.entries(counter.counts)) counts[name] = (counts[name] ?? 0) + count;
    log(`timer round ${round}/${TIMER_ROUNDS}: ${fmt(runs.at(-1)?.perSecond)} email steps/s`);
  }
  const steps = CLIENTS * TIMER_PER_WORKER;
  const medianPerSecond = median(runs.map((r) => r.perSecond));
  return {
    workers: CLIENTS,
    steps,
    runs,
    medianPerSecond: Math.round(medianPerSecond),
    requestsPerStep: Object.fromEntries(
      Object.entries(counts).map(([name, count]) => [name, round2(count / (steps * TIMER_ROUNDS))]),
    ),
    ratioToRaw: round2(medianPerSecond / rawPerSecond),
    note: TIMER_NOTE,
  };
}

/** The runtime's send deps, built as runtime.ts builds them (startRuntime does not expose them). */
function sendDeps(runtime: Runtime): SendDeps {
  const { config } = runtime;
  if (!config.emailDomain || !config.unsubscribeKey) {
    throw new Error("The local runtime's config names no email domain or unsubscribe key");
  }
  const playbook = loadPlaybook(undefined, config.teamTimezone);
  return {
    store: runtime.store,
    mailer: new SesMailer({
      client: createSesClient({ endpoint: runtime.sesUrl }),
      fromDomain: config.emailDomain,
    }),
    timers: { schedule: async () => {}, cancel: async () => {} },
    clock: runtime.clock,
    log: { info() {}, warn() {}, error() {} },
    playbook,
    compose: composer(loadTemplates(undefined, playbook), {
      publicUrl: config.publicUrl,
      postalAddress: config.postalAddress,
      unsubscribeKey: config.unsubscribeKey,
    }),
  };
}

/**
 * `16 × perWorker` new prospects, each given two soft noes over HTTP (R3: the nurture drip), then the
 * business clock moved to when their first nurture email is due. The clock first goes to noon in
 * Chicago the next day, outside the preferred window, so that email is due at a window's opening,
 * hours before it closes. Returns the due timers.
 */
async function arrangeDueEmails(
  runtime: Runtime,
  template: string,
  tag: string,
  perWorker: number,
): Promise<TimerKey[]> {
  const event = JSON.parse(template) as { prospect: { owner?: Record<string, unknown> } };
  const noon = DateTime.fromJSDate(runtime.clock.now(), { zone: TIMER_ZONE })
    .plus({ days: 1 })
    .set({ hour: 12, minute: 0, second: 0, millisecond: 0 });
  const now = runtime.clock.to(noon.toJSDate()).getTime();
  const softNoes = [new Date(now - 86_400_000).toISOString(), new Date(now - 600_000).toISOString()];
  const ids = Array.from({ length: CLIENTS * perWorker }, (_, n) => `${tag}-${pad(n, 6)}`);

  await concurrently(ids, async (id) => {
    const prospect = {
      ...event.prospect,
      id: `bench:${id}`,
      email: `bench-${id}@northwind.example`,
      timezone: TIMER_ZONE,
      owner: { ...event.prospect.owner, id: `rep-${id}` },
    };
    for (const [n, occurredAt] of softNoes.entries()) {
      await postEvent(runtime, `msg_bench_${id}_${n}`, JSON.stringify({ ...event, occurredAt, prospect }));
    }
  });

  const keys: TimerKey[] = [];
  let due = now;
  await concurrently(ids, async (id) => {
    const stored = await runtime.store.getProspect(`bench:${id}`);
    const first = stored?.prospect.timers
      .filter((timer) => timer.kind === "email")
      .sort((a, b) => a.at.localeCompare(b.at))[0];
    if (!stored || first?.template !== "nurture-1") {
      throw new Error(`bench:${id} has no nurture email planned after two soft noes`);
    }
    keys.push({ prospectId: stored.prospect.id, timerId: first.id, kind: "email" });
    due = Math.max(due, Date.parse(first.at));
  });
  if (due > runtime.clock.now().getTime()) runtime.clock.to(new Date(due));
  return keys;
}

/** One signed event through the API; it must be applied. */
async function postEvent(runtime: Runtime, id: string, body: string): Promise<void> {
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(`${runtime.url}/v1/events`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signWebhook({ id, timestamp, body, secret: DEV_WEBHOOK_SECRET }),
    },
  });
  const result = (await response.json()) as { applied?: boolean };
  if (response.status !== 202 || !result.applied) {
    throw new Error(`Ingest answered ${response.status}: ${JSON.stringify(result)}`);
  }
}

// ——— end of timer runner ———

/** Runs `work` over `items` with CLIENTS workers; throughput over the whole batch, latency per item. */
async function concurrently<T>(items: T[], work: (item: T) => Promise<void>): Promise<Timed> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        const begun = performance.now();
        await work(item);
        latencies.push(performance.now() - begun);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: Math.round(items.length / seconds),
    p50Ms: round2(percentile(latencies, 0.5)),
    p95Ms: round2(percentile(latencies, 0.95)),
  };
}

type Results = {
  generatedAt: string;
  durationSeconds: number;
  machine: { os: string; cpus: number; cpuModel: string; memoryGiB: number; node: string; note: string };
  decide: { runs: number[]; medianPerSecond: number; target: number };
  decideVaried: { runs: number[]; medianPerSecond: number; target: number };
  render: { runs: number[]; medianPerSecond: number; target: number }; // template rendering (issue 3)
  ingest: {
    eventsPerRun: number;
    runs: Timed[];
    medianPerSecond: number;
    medianP50Ms: number;
    medianP95Ms: number;
  };
  rawTransactWriteItems: {
    itemsPerTransaction: number;
    requestBytes: number;
    runs: Timed[];
    medianPerSecond: number;
    medianP50Ms: number;
    medianP95Ms: number;
  };
  ingestToRaw: { ratio: number; target: number };
  requestsPerEvent: Record<string, number>;
  timerRunner: TimerRunnerResults; // timer runner (issue 3)
};

function toMarkdown(r: Results): string {
  const check = (ok: boolean) => (ok ? "✅" : "❌");
  const perSecond = (runs: Timed[]) => runs.map((run) => fmt(run.perSecond)).join(", ");
  const requests = Object.entries(r.requestsPerEvent)
    .map(([name, count]) => `${count} ${name}`)
    .join(" + ");
  const expected = r.requestsPerEvent.BatchGetItem === 1 && r.requestsPerEvent.TransactWriteItems === 1;
  const onlyThose = Object.keys(r.requestsPerEvent).length === 2;
  // ——— timer runner (issue 3) ———
  const timer = r.timerRunner;
  const perStep = Object.entries(timer.requestsPerStep)
    .map(([name, count]) => `${count} ${name}`)
    .join(" + ");
  const requestsPerStep = Object.values(timer.requestsPerStep).reduce((sum, n) => sum + n, 0);
  return `# Redial benchmark

${r.generatedAt} · ${r.machine.os} · ${r.machine.cpus} × ${r.machine.cpuModel} · ${r.machine.memoryGiB} GiB · Node ${r.machine.node} · took ${r.durationSeconds} s

${r.machine.note} Medians of ${r.decide.runs.length} runs (decide), ${r.ingest.runs.length} interleaved rounds (ingest, raw) and ${timer.runs.length} rounds (timer runner).

Timer runner: ${timer.note}

| measure | median | runs | target |
|---|---:|---|---|
| \`decide()\` alone, decisions/s (one core, example-event mix) | ${fmt(r.decide.medianPerSecond)} | ${r.decide.runs.map(fmt).join(", ")} | ≥ ${fmt(r.decide.target)} ${check(r.decide.medianPerSecond >= r.decide.target)} |
| \`decide()\` alone, the mix at ${fmt(DECIDE_VARIANTS)} times in 5 zones (realistic cache variety) | ${fmt(r.decideVaried.medianPerSecond)} | ${r.decideVaried.runs.map(fmt).join(", ")} | ≥ ${fmt(r.decideVaried.target)} ${check(r.decideVaried.medianPerSecond >= r.decideVaried.target)} |
| template rendering, renders/s (one core, parsed templates cached) | ${fmt(r.render.medianPerSecond)} | ${r.render.runs.map(fmt).join(", ")} | ≥ ${fmt(r.render.target)} ${check(r.render.medianPerSecond >= r.render.target)} |
| ingest over HTTP, events/s (16 clients, ${r.ingest.eventsPerRun} events per round) | ${fmt(r.ingest.medianPerSecond)} | ${perSecond(r.ingest.runs)} | |
| raw TransactWriteItems on DynamoDB Local, transactions/s (16 clients, ${r.rawTransactWriteItems.itemsPerTransaction} items, ${fmt(r.rawTransactWriteItems.requestBytes)} B each) | ${fmt(r.rawTransactWriteItems.medianPerSecond)} | ${perSecond(r.rawTransactWriteItems.runs)} | |
| ingest ÷ raw | ${r.ingestToRaw.ratio} | | ≥ ${r.ingestToRaw.target} ${check(r.ingestToRaw.ratio >= r.ingestToRaw.target)} |
| ingest latency p50 / p95 (ms) | ${r.ingest.medianP50Ms} / ${r.ingest.medianP95Ms} | | |
| raw latency p50 / p95 (ms) | ${r.rawTransactWriteItems.medianP50Ms} / ${r.rawTransactWriteItems.medianP95Ms} | | |
| DynamoDB requests per applied event | ${requests} | | 1 BatchGetItem + 1 TransactWriteItems ${check(expected && onlyThose)} |
| timer runner, email steps/s (16 workers, through SES local; ${fmt(timer.steps)} steps per round) | ${fmt(timer.medianPerSecond)} | ${perSecond(timer.runs)} | ÷ raw TransactWriteItems: ${timer.ratioToRaw} |
| DynamoDB requests per email step | ${perStep} | | ≤ 3 ${check(requestsPerStep <= 3)} |
`;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
const round2 = (value: number) => Math.round(value * 100) / 100;
const pad = (n: number, width: number) => String(n).padStart(width, "0");
const fmt = (value: number | undefined) =>
  value === undefined ? "?" : Math.round(value).toLocaleString("en-US");
const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

await main();
