/**
 * I5: a webhook id whose receipt is stored was accepted, so its effect is in the table too: ingest
 * writes the receipt, the prospect and the timeline entry in one transaction (ingest/ingest.ts). The
 * prospect exists, and one timeline entry of kind `event` carries the webhook id with the rule, the
 * applied flag and the state the receipt answered the CRM with.
 */
import type { ProspectSnapshot } from "./types.ts";

export function checkReceipts(snapshot: ProspectSnapshot): string[] {
  const problems: string[] = [];
  for (const receipt of snapshot.receipts) {
    const what = `webhook ${receipt.webhookId} (accepted: ${receipt.rule}, ${receipt.applied ? "applied" : "not applied"}, ${receipt.state})`;
    if (!snapshot.prospect) {
      problems.push(`${what} names prospect ${receipt.prospectId}, which does not exist`);
      continue;
    }
    const entries = snapshot.timeline.filter(
      (entry) => entry.kind === "event" && entry.webhookId === receipt.webhookId,
    );
    if (!entries.length) {
      problems.push(`${what} has no timeline entry`);
      continue;
    }
    const matches = entries.some(
      (entry) =>
        entry.rule === receipt.rule && entry.applied === receipt.applied && entry.status === receipt.state,
    );
    if (!matches) {
      const found = entries.map(
        (e) => `v${e.version} ${e.rule}, ${e.applied ? "applied" : "not applied"}, ${e.status}`,
      );
      problems.push(`${what}, but its timeline entry says ${found.join("; ")}`);
    }
  }
  return problems;
}
