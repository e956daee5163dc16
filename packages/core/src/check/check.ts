/**
 * checkProspect(): the seven invariants over one prospect's snapshot, pure (the playbook and the data,
 * no clock). checkAll() folds a stream of snapshots (the table reader's) into a report, holding only
 * the violations.
 */
import type { Playbook } from "../schemas/playbook.ts";
import { checkTimers } from "./i1-timers.ts";
import { checkSendGuardrails } from "./i2-send-guardrails.ts";
import { checkFrequencyCap } from "./i3-frequency-cap.ts";
import { checkOneSendPerTimer } from "./i4-one-send-per-timer.ts";
import { checkReceipts } from "./i5-receipts.ts";
import { checkMinGap } from "./i6-min-gap.ts";
import { checkFreshness } from "./i7-freshness.ts";
import type { CheckReport, InvariantId, ProspectSnapshot, Violation } from "./types.ts";

export function checkProspect(snapshot: ProspectSnapshot, playbook: Playbook): Violation[] {
  const found: [InvariantId, string[]][] = [
    ["I1", checkTimers(snapshot)],
    ["I2", checkSendGuardrails(snapshot, playbook)],
    ["I3", checkFrequencyCap(snapshot, playbook)],
    ["I4", checkOneSendPerTimer(snapshot)],
    ["I5", checkReceipts(snapshot)],
    ["I6", checkMinGap(snapshot, playbook)],
    ["I7", checkFreshness(snapshot, playbook)],
  ];
  return found.flatMap(([invariant, messages]) =>
    messages.map((message) => ({ invariant, prospectId: snapshot.prospectId, message })),
  );
}

/**
 * Every snapshot checked; `prospects` counts those with a profile item. Items are the reader's to count.
 * Violations come sorted by prospect, then invariant, whatever order a parallel reader gave.
 */
export async function checkAll(
  snapshots: AsyncIterable<ProspectSnapshot> | Iterable<ProspectSnapshot>,
  playbook: Playbook,
): Promise<Omit<CheckReport, "items">> {
  let prospects = 0;
  const violations: Violation[] = [];
  for await (const snapshot of snapshots) {
    if (snapshot.prospect) prospects++;
    violations.push(...checkProspect(snapshot, playbook));
  }
  const key = (v: Violation) => v.prospectId ?? "";
  violations.sort((a, b) =>
    key(a) < key(b)
      ? -1
      : key(a) > key(b)
        ? 1
        : a.invariant < b.invariant
          ? -1
          : a.invariant > b.invariant
            ? 1
            : 0,
  );
  return { prospects, violations };
}

/** How many violations each invariant has, I1 to I7 (zeros included). */
export function countByInvariant(violations: readonly Violation[]): Record<InvariantId, number> {
  const counts: Record<InvariantId, number> = { I1: 0, I2: 0, I3: 0, I4: 0, I5: 0, I6: 0, I7: 0 };
  for (const violation of violations) counts[violation.invariant]++;
  return counts;
}
