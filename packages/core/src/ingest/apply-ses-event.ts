/**
 * applySesEvent(): one SES event about an email Redial sent. A complaint opts the prospect out (R0), a
 * hard bounce suppresses the address and stops the drips but keeps the calls (R11), both through
 * decide() (applyInternal). The other events (delivery, soft bounce, delay, reject, rendering
 * failure) are only logged for now.
 *
 * The prospect is the one the email's tag names (taggedProspect): a key the store maps back, or, on
 * emails sent before keys, the id itself. A complaint or hard bounce suppresses its address even when
 * no stored prospect is found (R0, R11: the address is suppressed regardless): the recipient said it,
 * whoever Redial thought the email was for.
 */
import { type SesEvent, type SesOutcome, taggedProspect, toInternalEvents } from "../schemas/ses-event.ts";
import { applyInternal } from "./apply-internal.ts";
import type { IngestDeps } from "./ingest.ts";

export interface SesEventResult {
  /** The prospect the email's tag names, when it names a known one (a legacy tag: whatever it names). */
  prospectId?: string;
  kind: SesOutcome["kind"];
  /** The rule decide() chose, for an outcome that is a decision input (R0, R11). */
  rule?: string;
  applied?: boolean;
  /** False when no stored prospect was found: only the address was suppressed. */
  found?: boolean;
  /** The address suppressed without a prospect (R0, R11 hold regardless). */
  suppressed?: string;
}

export async function applySesEvent(event: SesEvent, deps: IngestDeps): Promise<SesEventResult[]> {
  const { mail, eventType } = event.detail;
  const outcomes = toInternalEvents(event);
  const tagged = taggedProspect(mail);
  // Only an event that means something is worth a read.
  const prospectId =
    tagged && outcomes.length
      ? "prospectId" in tagged
        ? tagged.prospectId
        : await deps.store.prospectByKey(tagged.key)
      : null;
  if (outcomes.length === 0 || (!prospectId && !outcomes.some((o) => o.suppress))) {
    deps.log.info("ses.ignored", {
      eventType,
      messageId: mail.messageId,
      reason: tagged
        ? "no stored prospect has this email's tag, and the event suppresses nothing"
        : "not a prospect's email, or an event Redial does not act on",
    });
    return [];
  }

  const results: SesEventResult[] = [];
  for (const outcome of outcomes) {
    const { kind, messageId, occurredAt, input, note, suppress } = outcome;
    deps.log.info("ses.event", { prospectId, kind, messageId, occurredAt, ...(note ? { note } : {}) });
    if (!input) {
      if (prospectId) results.push({ prospectId, kind });
      continue;
    }
    const decision = prospectId ? await applyInternal(prospectId, input, deps, note ? { note } : {}) : null;
    if (prospectId && decision) {
      results.push({ prospectId, kind, rule: decision.rule, applied: decision.applied, found: true });
      continue;
    }
    if (!suppress) continue;
    // decide() suppresses along with the prospect's change; with no prospect, the address alone.
    await deps.store.addSuppression(suppress.email, suppress.rule, deps.clock.now());
    deps.log.warn("ses.suppressed_without_prospect", {
      messageId,
      kind,
      rule: suppress.rule,
      tag: tagged ? ("key" in tagged ? "prospect_key" : "prospect") : "none",
    });
    results.push({ ...(prospectId ? { prospectId } : {}), kind, found: false, suppressed: suppress.email });
  }
  return results;
}
