/**
 * The emails a prospect was sent, as the table records them (send/outcome.ts): an `email.sent`
 * timeline entry per send (its action names the timer, its detail the SES MessageId, its `at` the
 * business time of the claim), and the claim of that timer (`SEND#<timerId>`) with the MessageId.
 */
import type { TimelineEntry } from "../schemas/prospect.ts";
import type { ProspectSnapshot } from "./types.ts";

/** Timeline types of a send attempt's outcome (send/outcome.ts); the rest of the timeline plans. */
export const EMAIL_OUTCOMES: ReadonlySet<string> = new Set([
  "email.sent",
  "email.unknown",
  "email.dropped",
  "email.deferred",
  "email.held",
  "email.failed",
]);
/** Outcomes after which the timer is no longer pending (deferred and held move it instead). */
export const ENDING_OUTCOMES: ReadonlySet<string> = new Set([
  "email.sent",
  "email.unknown",
  "email.dropped",
  "email.failed",
]);

export interface Send {
  timerId: string;
  /** Business time of the send (the claim's time). */
  at: string;
  messageId: string | undefined;
  /** Where it was found: the timeline, or only a claim carrying a MessageId. */
  source: "timeline" | "claim";
  version?: number;
  /** The email's sequence and template, and when the playbook planned it (G8), as the timeline recorded them. */
  sequence?: string;
  template?: string;
  plannedAt?: string;
}

const MESSAGE_ID = /^SES MessageId (.+)$/;

export function messageIdOf(entry: TimelineEntry): string | undefined {
  const detail = entry.actions[0]?.detail;
  return detail ? MESSAGE_ID.exec(detail)?.[1] : undefined;
}

/** Every `email.sent` timeline entry, oldest first. */
export function timelineSends(timeline: readonly TimelineEntry[]): Send[] {
  return timeline
    .filter((entry) => entry.type === "email.sent")
    .map((entry) => {
      const action = entry.actions[0];
      return {
        timerId: action?.timerId ?? "?",
        at: entry.at,
        messageId: messageIdOf(entry),
        source: "timeline" as const,
        version: entry.version,
        ...(action?.sequence ? { sequence: action.sequence } : {}),
        ...(action?.template ? { template: action.template } : {}),
        ...(action?.plannedAt ? { plannedAt: action.plannedAt } : {}),
      };
    });
}

/**
 * Every email that went out, once each, oldest first: the timeline's sends, and a claim's MessageId
 * the timeline does not know (I4 reports that mismatch; I2 and I3 still count the email).
 */
export function allSends(snapshot: ProspectSnapshot): Send[] {
  const sends = timelineSends(snapshot.timeline);
  const onTimeline = new Set(sends.map((send) => send.timerId));
  for (const claim of snapshot.claims) {
    if (claim.messageId && !onTimeline.has(claim.timerId)) {
      sends.push({
        timerId: claim.timerId,
        at: claim.claimedAt,
        messageId: claim.messageId,
        source: "claim",
      });
    }
  }
  return sends.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
