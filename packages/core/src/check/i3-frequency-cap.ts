/**
 * I3: "at most 2 automated emails per prospect per rolling 7 days" (PLAYBOOK.md, G3), the 2 being the
 * playbook's `caps.perProspectPer7Days`. Every email Redial sends a prospect comes from a timer, so
 * every send counts. Rolling as the send side counts it (send/verdict.ts): emails less than 7 days
 * apart share a week, so the cap is broken when cap + 1 sends fit in less than 7 days.
 */
import type { Playbook } from "../schemas/playbook.ts";
import { allSends } from "./sends.ts";
import type { ProspectSnapshot } from "./types.ts";

const WEEK_MS = 7 * 86_400_000;

export function checkFrequencyCap(snapshot: ProspectSnapshot, playbook: Playbook): string[] {
  const cap = playbook.caps.perProspectPer7Days;
  const sends = allSends(snapshot);
  const problems: string[] = [];
  let reportedUpTo = -1;
  for (let last = cap; last < sends.length; last++) {
    const first = last - cap;
    const from = sends[first];
    const to = sends[last];
    if (!from || !to || first <= reportedUpTo) continue;
    if (Date.parse(to.at) - Date.parse(from.at) < WEEK_MS) {
      const window = sends.slice(first, last + 1);
      problems.push(
        `${window.length} automated emails within 7 days (cap ${cap}) (G3): ${window
          .map((send) => `${send.at} (timer ${send.timerId})`)
          .join(", ")}`,
      );
      reportedUpTo = last; // one report per burst, not one per overlapping window
    }
  }
  return problems;
}
