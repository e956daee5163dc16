/**
 * I4: at most once (ARCHITECTURE.md): claim → send → record. One timer has one claim, and the claim
 * and the timeline name the same single SES message. A second `email.sent` for a timer, a send with no
 * claim, or a claim and a timeline that disagree on the MessageId each mean one email went out twice
 * or without the claim that keeps it from doing so.
 */
import { timelineSends } from "./sends.ts";
import type { ProspectSnapshot } from "./types.ts";

export function checkOneSendPerTimer(snapshot: ProspectSnapshot): string[] {
  const problems: string[] = [];
  const byTimer = new Map<string, (string | undefined)[]>();
  for (const send of timelineSends(snapshot.timeline)) {
    byTimer.set(send.timerId, [...(byTimer.get(send.timerId) ?? []), send.messageId]);
  }
  const claims = new Map(snapshot.claims.map((claim) => [claim.timerId, claim]));
  for (const [timerId, messageIds] of byTimer) {
    if (messageIds.length > 1)
      problems.push(
        `timer ${timerId} was sent ${messageIds.length} times: MessageIds ${messageIds.join(", ")}`,
      );
    const claim = claims.get(timerId);
    if (!claim) problems.push(`timer ${timerId} was sent (MessageId ${messageIds[0]}) without a send claim`);
    else if (messageIds.some((id) => id !== claim.messageId))
      problems.push(
        `the claim of timer ${timerId} records MessageId ${claim.messageId ?? "none"}, the timeline ${messageIds.join(", ")}`,
      );
  }
  for (const claim of snapshot.claims) {
    if (claim.messageId && !byTimer.has(claim.timerId))
      problems.push(
        `the claim of timer ${claim.timerId} records MessageId ${claim.messageId}, but the timeline has no email.sent for it`,
      );
  }
  return problems;
}
