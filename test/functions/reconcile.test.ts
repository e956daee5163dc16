/**
 * The daily reconciliation (packages/functions/src/timers/reconcile.ts) over the real DynamoStore on
 * DynamoDB Local: timers whose schedule never fired are found through the due index and run by core's
 * runDueTimer, once; a timer inside the grace period is left to its schedule; maxTimers bounds a run
 * and says so; a second run finds nothing.
 */
import { ingest, type SendDeps } from "@redial/core";
import { describe, expect, it } from "vitest";
import { loadPlaybook } from "../../packages/functions/src/playbook.ts";
import { reconcileDueTimers } from "../../packages/functions/src/timers/reconcile.ts";
import { event } from "../support/core.ts";
import { freshStore } from "../support/dynamo.ts";
import { MovableClock, noTimers, RecordingMailer } from "../support/send.ts";

const playbook = loadPlaybook();
const MINUTE = 60_000;

class RecordingLog {
  readonly lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  info = (message: string, fields?: Record<string, unknown>) =>
    this.lines.push({ level: "info", message, fields });
  warn = (message: string, fields?: Record<string, unknown>) =>
    this.lines.push({ level: "warn", message, fields });
  error = (message: string, fields?: Record<string, unknown>) =>
    this.lines.push({ level: "error", message, fields });
}

/** `count` hostile noes (R4: one recycle timer each, no email), the schedules "lost" (noTimers). */
async function overdue(count: number) {
  const clock = new MovableClock("2026-11-17T14:30:00Z");
  const { store } = await freshStore({ clock });
  const log = new RecordingLog();
  const deps: SendDeps = {
    store,
    timers: noTimers,
    clock,
    log,
    playbook,
    mailer: new RecordingMailer(),
    compose: () => {
      throw new Error("no email in these tests");
    },
  };
  const ids = Array.from({ length: count }, (_, i) => `rc-${i}`);
  for (const [i, id] of ids.entries()) {
    await ingest(
      {
        webhookId: `wh-${i}`,
        event: event("call.rejected", "2026-11-17T14:00:00Z", { reason: "hostile" }, { id }),
      },
      deps,
    );
  }
  const recycles = await Promise.all(
    ids.map(async (id) => (await store.getProspect(id))?.prospect.timers.find((t) => t.kind === "recycle")),
  );
  const latest = Math.max(...recycles.map((t) => Date.parse(t?.at ?? "")));
  return { store, clock, log, deps, ids, latest };
}

describe("the daily reconciliation of overdue timers", () => {
  it("runs every overdue timer once through runDueTimer and logs the counts", async () => {
    const { store, clock, log, deps, ids, latest } = await overdue(3);
    clock.set(new Date(latest + 60 * MINUTE));

    const first = await reconcileDueTimers(deps, { pageSize: 2 });
    expect(first).toMatchObject({ ran: 3, results: { applied: 3 }, truncated: false });
    for (const id of ids) expect((await store.getProspect(id))?.prospect.status).toBe("queued");
    const timerLines = log.lines.filter((l) => l.message === "reconcile.timer");
    expect(timerLines.map((l) => l.fields?.prospectId).sort()).toEqual(ids);
    expect(log.lines.at(-1)).toMatchObject({ level: "info", message: "reconcile.ran", fields: first });

    expect(await reconcileDueTimers(deps)).toMatchObject({ ran: 0, results: {} });
  });

  it("leaves a timer due within the grace period to its own schedule", async () => {
    const { clock, deps, latest } = await overdue(1);
    clock.set(new Date(latest + 5 * MINUTE));
    expect(await reconcileDueTimers(deps, { graceMs: 15 * MINUTE })).toMatchObject({ ran: 0 });
    expect(await reconcileDueTimers(deps, { graceMs: 0 })).toMatchObject({ ran: 1, results: { applied: 1 } });
  });

  it("stops at maxTimers, says so, and the next run takes the rest", async () => {
    const { clock, log, deps, latest } = await overdue(3);
    clock.set(new Date(latest + 60 * MINUTE));
    expect(await reconcileDueTimers(deps, { maxTimers: 2 })).toMatchObject({ ran: 2, truncated: true });
    expect(log.lines.at(-1)).toMatchObject({ level: "warn", message: "reconcile.ran" });
    expect(await reconcileDueTimers(deps, { maxTimers: 2 })).toMatchObject({ ran: 1, truncated: false });
  });
});
