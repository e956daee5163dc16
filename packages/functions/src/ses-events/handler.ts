/**
 * SES events (EventBridge, source `aws.ses`): a complaint opts the prospect out (R0), a hard bounce
 * suppresses the address and stops the drips but keeps the calls (R11). Both go through decide() via
 * applyInternal, like every other change to a prospect. The other events (delivery, soft bounce,
 * delay, reject, rendering failure) are only logged for now.
 *
 * An event that does not parse throws RedialError("invalid"), so EventBridge's retry policy and the
 * dead-letter queue keep it where someone can look.
 */
import {
  applyInternal,
  type IngestDeps,
  parseSesEvent,
  type SesOutcome,
  toInternalEvents,
} from "@redial/core";

export interface SesEventResult {
  prospectId: string;
  kind: SesOutcome["kind"];
  /** The rule decide() chose, for an outcome that is a decision input (R0, R11). */
  rule?: string;
  applied?: boolean;
  /** False when the tagged prospect is not stored: nothing was written. */
  found?: boolean;
}

export async function handleSesEvent(event: unknown, deps: IngestDeps): Promise<SesEventResult[]> {
  const parsed = parseSesEvent(event);
  const outcomes = toInternalEvents(parsed);
  if (outcomes.length === 0) {
    deps.log.info("ses.ignored", {
      eventType: parsed.detail.eventType,
      messageId: parsed.detail.mail.messageId,
      reason: "not a prospect's email, or an event Redial does not act on",
    });
  }
  const results: SesEventResult[] = [];
  for (const outcome of outcomes) {
    const { prospectId, kind, messageId, occurredAt, input, note } = outcome;
    deps.log.info("ses.event", { prospectId, kind, messageId, occurredAt, ...(note ? { note } : {}) });
    if (!input) {
      results.push({ prospectId, kind });
      continue;
    }
    const decision = await applyInternal(prospectId, input, deps, note ? { note } : {});
    results.push(
      decision
        ? { prospectId, kind, rule: decision.rule, applied: decision.applied, found: true }
        : { prospectId, kind, found: false },
    );
  }
  return results;
}
