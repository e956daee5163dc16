/**
 * Notifying the CRM (issue 4), the pure planning side. When a prospect enters the call queue (R12)
 * and a CRM webhook is configured, a `notify` timer due now is added to the same decision, so the
 * notice is stored in the very transaction that queues the prospect: DynamoDB is the truth, and a
 * crash between "queued" and "notified" cannot lose it. The timer runner delivers it (run-notify.ts).
 */
import { createHash } from "node:crypto";
import { isoUtc } from "../calendar/calendar.ts";
import type { Decision } from "../decide/types.ts";
import type { WebhookDelivery } from "../ports.ts";
import type { Notice, NoticeType, Prospect, QueueEntry, Timer } from "../schemas/prospect.ts";

/**
 * Waits after failed attempt 1, 2, … (6 attempts in all, the last ~10.5 h after the first). Short
 * first steps ride out a deploy or a blip; the long tail rides out a CRM outage of a working day
 * without hammering it, and ends the same business day the notice was for, before it goes stale.
 */
export const NOTIFY_RETRY_DELAYS_MS: readonly number[] = [
  60_000, // 1 min
  5 * 60_000, // 5 min
  30 * 60_000, // 30 min
  2 * 3_600_000, // 2 h
  8 * 3_600_000, // 8 h
];
export const NOTIFY_MAX_ATTEMPTS = NOTIFY_RETRY_DELAYS_MS.length + 1;

/** How long to wait after failed attempt `attempt` (1-based); null after the last one: dead-letter. */
export function retryDelayMs(attempt: number): number | null {
  return NOTIFY_RETRY_DELAYS_MS[attempt - 1] ?? null;
}

export const noticeType = (entry: Pick<QueueEntry, "reason">): NoticeType =>
  entry.reason === "callback" ? "callback.due" : "prospect.recycled";

/**
 * Stable per (prospect, cycle, type): every retry carries the same `webhook-id`. Hashed, because CRM
 * ids hold any character and a webhook id should be short, printable and say nothing about anyone.
 */
export function noticeWebhookId(prospectId: string, cycle: number, type: NoticeType): string {
  const digest = createHash("sha256").update(`${prospectId}\n${cycle}\n${type}`).digest("base64url");
  return `rdl_${digest.slice(0, 32)}`;
}

/**
 * R12 and a configured CRM: the decision with a `notify` timer due now in `timersAdded` and in the
 * prospect's timers. Any other decision comes back unchanged. decide() itself knows nothing of it,
 * so the playbook's decisions read the same with or without a CRM webhook.
 */
export function planNotice(decision: Decision, now: Date): Decision {
  const { next } = decision;
  const entry = next.queue;
  if (decision.rule !== "R12" || !decision.applied || !entry) return decision;
  const timer = noticeTimer(next, entry, now, nextTimerId(next));
  return {
    ...decision,
    next: { ...next, timers: [...next.timers, timer].sort(byAt) },
    timersAdded: [...decision.timersAdded, timer],
  };
}

/**
 * Timer ids as decide() gives them, `<version>.<n>`: unique per prospect, and they say which change
 * planned them. The next free `n` of this version.
 */
export function nextTimerId(prospect: Prospect): string {
  const prefix = `${prospect.version}.`;
  const used = prospect.timers
    .filter((t) => t.id.startsWith(prefix))
    .map((t) => Number(t.id.slice(prefix.length)));
  return `${prefix}${Math.max(0, ...used) + 1}`;
}

function noticeTimer(prospect: Prospect, entry: QueueEntry, now: Date, id: string): Timer {
  const type = noticeType(entry);
  const notice: Notice = {
    type,
    webhookId: noticeWebhookId(prospect.id, entry.cycle, type),
    attempt: 1,
    data: { prospectId: prospect.id, ownerId: entry.ownerId, profile: prospect.profile, entry },
  };
  return { id, kind: "notify", at: isoUtc(now.getTime()), rule: "R12", cycle: entry.cycle, notice };
}

/** What the Notifier sends for a notice: the same on every attempt. */
export function deliveryOf(notice: Notice): WebhookDelivery {
  return {
    webhookId: notice.webhookId,
    type: notice.type,
    timestamp: new Date(notice.data.entry.enteredAt),
    payload: notice.data,
  };
}

/** The Standard Webhooks body of a delivery: `{ type, timestamp, data }`. */
export function webhookBody(delivery: WebhookDelivery) {
  // Redial's one UTC format (no milliseconds), as every other instant it stores and sends.
  return { type: delivery.type, timestamp: isoUtc(delivery.timestamp.getTime()), data: delivery.payload };
}

const byAt = (a: { at: string }, b: { at: string }) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0);
