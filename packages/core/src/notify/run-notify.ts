/**
 * runNotifyTimer(): a `notify` timer came due (issue 4). Reload → deliver → record. The delivery is
 * at least once: a run that dies after delivering and before recording delivers again on the next
 * trigger, under the same `webhook-id`, which is what Standard Webhooks receivers dedupe on.
 * A failed attempt plans the next at its backoff; after the last one the notice is dead-lettered
 * (timeline entry with the full body, and a `webhook.dead_lettered` error log line).
 * One prospect's failing receiver never holds up another's: each notice is its own timer.
 */
import { RedialError } from "../errors.ts";
import type { IngestDeps } from "../ingest/ingest.ts";
import { StoreConflict } from "../ports.ts";
import type { Prospect, Timer } from "../schemas/prospect.ts";
import { afterDelivery, type DeliveryResult, type NoticeOutcome } from "./outcome.ts";
import { deliveryOf, webhookBody } from "./plan.ts";

export type NotifyRun = { result: "stale" } | { result: NoticeOutcome; detail: string };

const MAX_ATTEMPTS = 10;

export async function runNotifyTimer(
  key: { prospectId: string; timerId: string },
  deps: IngestDeps,
): Promise<NotifyRun> {
  const { prospect } = await deps.store.load({ prospectId: key.prospectId });
  const timer = pendingNotice(prospect, key.timerId);
  if (!prospect || !timer?.notice) {
    deps.log.info("webhook.stale", key);
    return { result: "stale" };
  }
  const delivery = deliveryOf(timer.notice);
  const result = await attempt(deps, delivery);
  return record(prospect, timer, result, deps);
}

async function attempt(deps: IngestDeps, delivery: ReturnType<typeof deliveryOf>): Promise<DeliveryResult> {
  // A notice planned while a webhook was configured, and the configuration gone since: a failure
  // like any other, so it is retried (the URL may come back) and then dead-lettered, never lost.
  if (!deps.notifier) return { ok: false, error: "no CRM webhook is configured (REDIAL_CRM_WEBHOOK_URL)" };
  try {
    await deps.notifier.deliver(delivery);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message || String(error) };
  }
}

/**
 * Records the attempt. The delivery is a fact by now, so a CRM event that moved the prospect
 * meanwhile does not undo it: on a version conflict the same result is applied to the fresh prospect.
 */
async function record(
  loaded: Prospect,
  timer: Timer,
  result: DeliveryResult,
  deps: IngestDeps,
): Promise<NotifyRun> {
  let prospect = loaded;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const now = deps.clock.now();
    const change = afterDelivery(prospect, timer, result, now);
    try {
      await deps.store.commit({
        expectedVersion: prospect.version,
        prospect: change.next,
        timeline: change.timeline,
        timersAdded: change.timersAdded,
        timersRemoved: change.timersRemoved,
        suppress: [],
        now,
      });
    } catch (error) {
      if (!(error instanceof StoreConflict && error.reason === "version")) throw error;
      const fresh = (await deps.store.load({ prospectId: prospect.id })).prospect;
      if (!pendingNotice(fresh, timer.id) || !fresh) {
        // Another run of the same trigger recorded this attempt first (the receiver got it twice,
        // under one webhook-id); its record stands.
        deps.log.info("webhook.recorded_elsewhere", { prospectId: prospect.id, timerId: timer.id });
        return { result: change.outcome, detail: change.timeline.reason ?? "" };
      }
      prospect = fresh;
      continue;
    }
    try {
      if (change.timersAdded.length) await deps.timers.schedule(prospect.id, change.timersAdded);
    } catch (error) {
      deps.log.warn("timers.sync_failed", { prospectId: prospect.id, error: (error as Error).message });
    }
    logOutcome(deps, prospect.id, timer, change.outcome, change.timeline.reason ?? "");
    return { result: change.outcome, detail: change.timeline.reason ?? "" };
  }
  throw new RedialError("conflict", `Could not record webhook ${timer.id} of ${loaded.id}`);
}

function logOutcome(
  deps: IngestDeps,
  prospectId: string,
  timer: Timer,
  outcome: NoticeOutcome,
  reason: string,
) {
  const notice = timer.notice;
  if (!notice) return;
  const fields = {
    prospectId,
    timerId: timer.id,
    webhookId: notice.webhookId,
    type: notice.type,
    attempt: notice.attempt,
    reason,
  };
  if (outcome === "delivered") deps.log.info("webhook.delivered", fields);
  else if (outcome === "failed") deps.log.warn("webhook.failed", fields);
  // What an operator searches for: the whole body, to replay by hand once the CRM is back.
  else deps.log.error("webhook.dead_lettered", { ...fields, body: webhookBody(deliveryOf(notice)) });
}

const pendingNotice = (prospect: Prospect | null, timerId: string) =>
  prospect?.timers.find((t) => t.id === timerId && t.kind === "notify");
