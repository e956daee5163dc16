/**
 * The timer runner's cost per email step (issue 3): runDueTimer on due nurture emails through the local
 * runtime and the SES v2 local server, 16 workers, with its DynamoDB requests counted.
 */
import { countRequests, createSesClient, SesMailer } from "@redial/aws";
import { composer, type DueResult, runDueTimer, type SendDeps } from "@redial/core";
import { loadPlaybook, webhookHeaders } from "@redial/functions";
import { DEV_WEBHOOK_SECRET, type Runtime } from "@redial/local";
import { DateTime } from "luxon";
// ——— template rendering (issue 3) ———
import { loadTemplates } from "../packages/functions/src/templates.ts";
import { CLIENTS, concurrently, fmt, log, median, pad, round2, type Timed } from "./common.ts";

// ——— timer runner (issue 3) ———

export const TIMER_ROUNDS = 5;
/** Due emails per worker and round: 16 × 32 = 512 email steps a round. */
export const TIMER_PER_WORKER = 32;
/** The bench prospects' zone: the nurture drip goes out in its preferred window (Tue–Thu 08:00–11:00). */
export const TIMER_ZONE = "America/Chicago";
export const TIMER_NOTE =
  "Each email step is runDueTimer() on a due nurture email: one read, the claim, the send, the record. " +
  "The send goes to the SES v2 local server, which runs in the same Node process: its HTTP round trip " +
  "and its work are part of each step's cost (the raw baseline has none). Each prospect has its own " +
  "owner, so G3's sender cap (200 a day) and a shared sender-day counter are not what is measured.";

export type TimerKey = { prospectId: string; timerId: string; kind: "email" };

export interface TimerRunnerResults {
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
export async function benchTimerRunner(
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
export function sendDeps(runtime: Runtime): SendDeps {
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
export async function arrangeDueEmails(
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
export async function postEvent(runtime: Runtime, id: string, body: string): Promise<void> {
  const response = await fetch(`${runtime.url}/v1/events`, {
    method: "POST",
    body,
    headers: webhookHeaders({ id, body, secret: DEV_WEBHOOK_SECRET }),
  });
  const result = (await response.json()) as { applied?: boolean };
  if (response.status !== 202 || !result.applied) {
    throw new Error(`Ingest answered ${response.status}: ${JSON.stringify(result)}`);
  }
}

// ——— end of timer runner ———
