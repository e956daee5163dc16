/**
 * SES events (EventBridge, source `aws.ses`): parsed here, applied by core's applySesEvent (R0 for a
 * complaint, R11 for a hard bounce, the address suppressed even when no prospect is found).
 *
 * An event that does not parse throws RedialError("invalid"), so EventBridge's retry policy and the
 * dead-letter queue keep it where someone can look.
 */
import { applySesEvent, type IngestDeps, parseSesEvent, type SesEventResult } from "@redial/core";

export type { SesEventResult };

export async function handleSesEvent(event: unknown, deps: IngestDeps): Promise<SesEventResult[]> {
  return applySesEvent(parseSesEvent(event), deps);
}
