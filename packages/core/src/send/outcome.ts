/**
 * What a send attempt does to the prospect: the next state, the timeline entry and the timer changes,
 * committed in one transaction (with the claim's MessageId when there is one). Pure.
 */
import { isoUtc } from "../calendar/calendar.ts";
import type { Action, Prospect, TimelineEntry, Timer } from "../schemas/prospect.ts";

export type SendOutcome =
  | { kind: "sent"; messageId: string }
  /** Claimed by an earlier run that never recorded a MessageId: maybe sent, never sent again. */
  | { kind: "unknown" }
  | { kind: "dropped"; rule: string; reason: string }
  | { kind: "deferred"; at: string; rule: string; reason: string }
  /** G5: the template could not be rendered; nothing half-rendered goes out, retried later. */
  | { kind: "held"; at: string; reason: string }
  /** The provider refused this email for good (e.g. rejected content). */
  | { kind: "failed"; reason: string };

export interface SendChange {
  next: Prospect;
  timeline: TimelineEntry;
  timersAdded: Timer[];
  timersRemoved: Timer[];
}

const WEEK_MS = 7 * 86_400_000;

/**
 * `respaced`: when the outcome defers or holds the timer, the later steps of its drip moved to keep
 * their spacing (G9, `respaceFollowers`); they replace their pending versions.
 */
export function afterSend(
  prospect: Prospect,
  timer: Timer,
  outcome: SendOutcome,
  now: Date,
  respaced: readonly Timer[] = [],
): SendChange {
  const nowIso = isoUtc(now.getTime());
  const version = prospect.version + 1;
  // The timer may be gone already (a CRM event re-planned while the email was being sent): the
  // outcome is recorded all the same, and there is nothing left to move or remove.
  const pending = prospect.timers.some((t) => t.id === timer.id);
  const moves = pending && (outcome.kind === "deferred" || outcome.kind === "held");
  const moved: Timer | null = moves && "at" in outcome ? { ...timer, at: outcome.at } : null;
  const followers = moved ? respaced.filter((f) => prospect.timers.some((t) => t.id === f.id)) : [];
  const replaced = new Set([timer.id, ...followers.map((f) => f.id)]);
  const timers = prospect.timers.filter((t) => !replaced.has(t.id)).concat(moved ? [moved] : [], followers);
  timers.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const sent = outcome.kind === "sent";
  const recentEmails = prospect.recentEmails
    .filter((at) => now.getTime() - Date.parse(at) < WEEK_MS)
    .concat(sent ? [nowIso] : []);
  const next: Prospect = {
    ...prospect,
    version,
    timers,
    recentEmails,
    counters: { ...prospect.counters, touches: prospect.counters.touches + (sent ? 1 : 0) },
    updatedAt: nowIso,
  };
  const action: Action = {
    type: "email",
    at: moved ? moved.at : nowIso,
    timerId: timer.id,
    sequence: timer.sequence,
    step: timer.step,
    template: timer.template,
    ...(timer.plannedAt ? { plannedAt: timer.plannedAt } : {}),
    ...(sent ? { detail: `SES MessageId ${outcome.messageId}` } : {}),
  };
  const timeline: TimelineEntry = {
    at: nowIso,
    kind:
      outcome.kind === "held" || outcome.kind === "failed" || outcome.kind === "unknown"
        ? "error"
        : "decision",
    type: `email.${outcome.kind}`,
    rule: "rule" in outcome ? outcome.rule : outcome.kind === "held" ? "G5" : timer.rule,
    applied: sent,
    ...("reason" in outcome
      ? {
          reason: followers.length
            ? `${outcome.reason}; later steps keep their spacing (G9): ${followers.map((f) => `${f.template ?? f.id} → ${f.at}`).join(", ")}`
            : outcome.reason,
        }
      : {}),
    ...(outcome.kind === "unknown"
      ? {
          reason:
            "Claimed by an earlier attempt that recorded no MessageId: it may have gone out, so it is not sent again",
        }
      : {}),
    version,
    status: prospect.status,
    actions: [action],
  };
  return {
    next,
    timeline,
    timersAdded: moved ? [moved, ...followers] : [],
    timersRemoved: pending && !moved ? [timer] : [],
  };
}
