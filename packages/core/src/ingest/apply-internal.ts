/**
 * applyInternal(): an event Redial raises itself about a stored prospect (a one-click unsubscribe, an
 * SES complaint or hard bounce), applied through decide() like a CRM event: load, decide, commit one
 * transaction guarded by the prospect's version, and on a lost race load and decide again. R0 and R11
 * live in decide(); this only carries the event there and the decision back.
 */
import { decide } from "../decide/decide.ts";
import type { Decision, InternalEvent } from "../decide/types.ts";
import { RedialError } from "../errors.ts";
import { StoreConflict } from "../ports.ts";
import type { IngestDeps } from "./ingest.ts";
import { syncTimers, timelineEntry } from "./ingest.ts";

const MAX_ATTEMPTS = 10;

/**
 * The decision, or null when no such prospect is stored (nothing to stop; nothing is written).
 * `options.note` goes on the timeline entry, e.g. SES's diagnostic for a bounce.
 */
export async function applyInternal(
  prospectId: string,
  input: InternalEvent,
  deps: IngestDeps,
  options: { note?: string } = {},
): Promise<Decision | null> {
  const email = "email" in input ? input.email : undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const loaded = await deps.store.load({ prospectId, ...(email ? { email } : {}) });
    const { prospect } = loaded;
    if (!prospect) {
      deps.log.info("internal.unknown_prospect", { prospectId, type: input.type });
      return null;
    }
    const now = deps.clock.now();
    const decision = decide(prospect, input, deps.playbook, now, { suppressed: loaded.suppressed });
    try {
      await deps.store.commit({
        expectedVersion: prospect.version,
        prospect: decision.next,
        timeline: timelineEntry(decision, {
          at: now,
          type: input.type,
          occurredAt: input.occurredAt,
          note: options.note,
        }),
        timersAdded: decision.timersAdded,
        timersRemoved: decision.timersRemoved,
        suppress: decision.suppress,
        now,
      });
    } catch (error) {
      if (error instanceof StoreConflict && error.reason === "version") {
        deps.log.info("internal.conflict", { prospectId, type: input.type, attempt });
        continue;
      }
      throw error;
    }
    await syncTimers(deps, prospectId, decision);
    deps.log.info("internal.applied", {
      prospectId,
      type: input.type,
      rule: decision.rule,
      applied: decision.applied,
      version: decision.next.version,
    });
    return decision;
  }
  throw new RedialError("conflict", `Too many concurrent changes to prospect ${prospectId}; try again`);
}
