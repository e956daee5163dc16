/**
 * ingest(): one CRM event, applied at most once. Reads the prospect, the webhook id's receipt and the
 * address's suppression in one round trip, decides, and writes everything the decision changes in one
 * transaction guarded by the prospect's version. A lost race re-reads and decides again, so concurrent
 * events for one prospect serialize; a redelivered webhook id answers the first result unchanged.
 */
import { decide } from "../decide/decide.ts";
import type { Decision } from "../decide/types.ts";
import { RedialError } from "../errors.ts";
import type { Clock, Log, Notifier, Store, Timers } from "../ports.ts";
import { StoreConflict } from "../ports.ts";
import type { InboundEvent } from "../schemas/event.ts";
import type { Playbook } from "../schemas/playbook.ts";
import type { TimelineEntry } from "../schemas/prospect.ts";
import type { IngestResult } from "./result.ts";

export interface IngestDeps {
  store: Store;
  timers: Timers;
  clock: Clock;
  log: Log;
  playbook: Playbook;
  /** The CRM webhook (issue 4), when one is configured: R12 then also notifies the CRM. */
  notifier?: Notifier;
}

/** Enough for 20 concurrent events on one prospect with jittered backoff, without spinning forever. */
const MAX_ATTEMPTS = 40;
/** A CRM's clock may run a little fast; a day ahead is not a clock, it is a wrong field. */
const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

/** Refuses, before anything is read or written, an event dated more than a day after now. */
export function assertNotFuture(event: InboundEvent, now: Date): void {
  if (Date.parse(event.occurredAt) <= now.getTime() + MAX_FUTURE_MS) return;
  const message = `More than 24 hours after now (${now.toISOString()})`;
  throw new RedialError("invalid", `occurredAt is in the future: ${message}`, [
    { path: "occurredAt", message },
  ]);
}

export async function ingest(
  input: {
    webhookId: string;
    event: InboundEvent;
    /** Keep the receipt for good, not for the webhook retry window: an imported row (issue 7). */
    keepReceipt?: boolean;
    /** What reading the body had to leave out (readEvent), said first in the decision. */
    remarks?: readonly string[];
  },
  deps: IngestDeps,
): Promise<IngestResult> {
  const { webhookId, event } = input;
  const prospectId = event.prospect.id;
  assertNotFuture(event, deps.clock.now());
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const loaded = await deps.store.load({
      prospectId,
      webhookId,
      ...(event.prospect.email ? { email: event.prospect.email } : {}),
    });
    if (loaded.receipt) return { ...loaded.receipt.result, duplicate: true };

    const now = deps.clock.now();
    const decided = decide(loaded.prospect, event, deps.playbook, now, { suppressed: loaded.suppressed });
    const decision = input.remarks?.length
      ? { ...decided, remarks: [...input.remarks, ...decided.remarks] }
      : decided;
    const result = resultOf(prospectId, webhookId, decision);
    try {
      await deps.store.commit({
        expectedVersion: loaded.prospect?.version ?? 0,
        prospect: decision.next,
        timeline: timelineEntry(decision, {
          at: now,
          webhookId,
          occurredAt: event.occurredAt,
          type: event.type,
          note: event.note,
        }),
        timersAdded: decision.timersAdded,
        timersRemoved: decision.timersRemoved,
        receipt: { webhookId, prospectId, result, ...(input.keepReceipt ? { kept: true } : {}) },
        suppress: decision.suppress,
        now,
      });
    } catch (error) {
      if (!(error instanceof StoreConflict)) throw error;
      deps.log.info("ingest.conflict", { prospectId, webhookId, attempt, reason: error.reason });
      if (error.reason === "version") await backoff(attempt);
      continue; // a duplicate finds its receipt on the next read
    }
    await syncTimers(deps, prospectId, decision);
    deps.log.info("ingest.applied", {
      prospectId,
      webhookId,
      rule: decision.rule,
      applied: decision.applied,
      version: decision.next.version,
    });
    return result;
  }
  throw new RedialError(
    "conflict",
    `Too many concurrent changes to prospect ${prospectId}; retry the delivery`,
  );
}

/** Schedules are only triggers: a failure here is logged, and reconciliation finds the timer later. */
export async function syncTimers(
  deps: Pick<IngestDeps, "timers" | "log">,
  prospectId: string,
  decision: Decision,
) {
  try {
    if (decision.timersRemoved.length) await deps.timers.cancel(prospectId, decision.timersRemoved);
    if (decision.timersAdded.length) await deps.timers.schedule(prospectId, decision.timersAdded);
  } catch (error) {
    deps.log.warn("timers.sync_failed", { prospectId, error: (error as Error).message });
  }
}

export function resultOf(prospectId: string, eventId: string, decision: Decision): IngestResult {
  return {
    prospectId,
    eventId,
    duplicate: false,
    applied: decision.applied,
    ...(decision.reason ? { reason: decision.reason } : {}),
    state: decision.next.status,
    decision: {
      rule: decision.rule,
      actions: decision.actions,
      ...(decision.remarks.length ? { remarks: decision.remarks } : {}),
    },
  };
}

export function timelineEntry(
  decision: Decision,
  source: { at: Date; type: string; occurredAt?: string; webhookId?: string; note?: string | undefined },
): TimelineEntry {
  return {
    at: source.at.toISOString(),
    kind: "event",
    type: source.type,
    ...(source.occurredAt ? { occurredAt: source.occurredAt } : {}),
    rule: decision.rule,
    applied: decision.applied,
    ...(decision.reason ? { reason: decision.reason } : {}),
    ...(source.webhookId ? { webhookId: source.webhookId } : {}),
    version: decision.next.version,
    status: decision.next.status,
    ...(source.note ? { note: source.note } : {}),
    ...(decision.remarks.length ? { remarks: decision.remarks } : {}),
    actions: decision.actions,
  };
}

const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * 2 ** Math.min(attempt, 6))));
