/**
 * What one delivery attempt of a CRM notification does to the prospect (issue 4), pure: the fired
 * timer goes, a failure before the last try plans the next one at its backoff, and the timeline says
 * what happened (`webhook.delivered`, `webhook.failed`, `webhook.dead_lettered`). Committed in one
 * transaction guarded by the prospect's version, like every other change.
 */
import { isoUtc } from "../calendar/calendar.ts";
import type { Prospect, TimelineEntry, Timer } from "../schemas/prospect.ts";
import { deliveryOf, NOTIFY_MAX_ATTEMPTS, nextTimerId, retryDelayMs, webhookBody } from "./plan.ts";

export type DeliveryResult = { ok: true } | { ok: false; error: string };

export type NoticeOutcome = "delivered" | "failed" | "dead_lettered";

export interface NoticeChange {
  outcome: NoticeOutcome;
  next: Prospect;
  timeline: TimelineEntry;
  timersAdded: Timer[];
  timersRemoved: Timer[];
  /** The next attempt's time, after a failure that is not the last. */
  retryAt?: string;
}

/** `timer` is a pending `notify` timer of `prospect` (the runner checked). */
export function afterDelivery(
  prospect: Prospect,
  timer: Timer,
  result: DeliveryResult,
  now: Date,
): NoticeChange {
  const notice = timer.notice;
  if (!notice) throw new Error(`Timer ${timer.id} of ${prospect.id} carries no notice`);
  const nowIso = isoUtc(now.getTime());
  const version = prospect.version + 1;
  const delay = result.ok ? null : retryDelayMs(notice.attempt);
  const outcome: NoticeOutcome = result.ok ? "delivered" : delay === null ? "dead_lettered" : "failed";

  const kept = prospect.timers.filter((t) => t.id !== timer.id);
  const retry: Timer | null =
    delay === null
      ? null
      : {
          ...timer,
          id: nextTimerId({ ...prospect, version, timers: kept }),
          at: isoUtc(now.getTime() + delay),
          notice: { ...notice, attempt: notice.attempt + 1 },
        };
  const timers = retry ? [...kept, retry].sort(byAt) : kept;
  const next: Prospect = { ...prospect, version, timers, updatedAt: nowIso };

  const attempts = `attempt ${notice.attempt} of ${NOTIFY_MAX_ATTEMPTS}`;
  const reason = result.ok
    ? `${notice.type} delivered to the CRM (${attempts})`
    : retry
      ? `${notice.type} not delivered (${attempts}): ${result.error}; next attempt at ${retry.at}`
      : `${notice.type} not delivered after ${NOTIFY_MAX_ATTEMPTS} attempts, dead-lettered: ${result.error}`;
  const timeline: TimelineEntry = {
    at: nowIso,
    kind: result.ok ? "decision" : "error",
    type: `webhook.${outcome}`,
    rule: timer.rule,
    applied: result.ok,
    reason,
    webhookId: notice.webhookId,
    version,
    status: prospect.status,
    // The whole body, so an operator can replay a dead letter by hand (docs/decisions.md).
    ...(outcome === "dead_lettered" ? { note: JSON.stringify(webhookBody(deliveryOf(notice))) } : {}),
    actions: [],
  };
  return {
    outcome,
    next,
    timeline,
    timersAdded: retry ? [retry] : [],
    timersRemoved: [timer],
    ...(retry ? { retryAt: retry.at } : {}),
  };
}

const byAt = (a: { at: string }, b: { at: string }) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0);
