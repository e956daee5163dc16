/**
 * The daily reconciliation (ARCHITECTURE.md): DynamoDB holds every pending timer, EventBridge
 * Scheduler only wakes the runner. A schedule that went missing (a create that failed after the
 * transaction, a trigger dead-lettered) leaves its timer overdue in the due index; this job reads
 * that index and runs each overdue timer through core's runDueTimer, the same call the timer runner
 * and the local timer loop make. runDueTimer re-checks the prospect, so a timer whose schedule is
 * merely late, or that ran meanwhile, is stale and does nothing.
 *
 * Only timers overdue by more than `graceMs` are taken, so the job does not race a schedule that is
 * firing right now. At most `maxTimers` per run; the rest waits for the next day (and is logged).
 */
import { type DueResult, runDueTimer, type SendDeps } from "@redial/core";
import { sendingDeps } from "../aws-deps.ts";

export interface ReconcileOptions {
  /** Due timers read per page of the due index. */
  pageSize?: number;
  /** Timers run at most per invocation. */
  maxTimers?: number;
  /** Only timers due before now − graceMs. */
  graceMs?: number;
}

export interface ReconcileResult {
  /** Due before this instant. */
  upTo: string;
  ran: number;
  /** Counts by DueResult["result"], plus `failed` for a run that threw. */
  results: Record<string, number>;
  /** True when maxTimers stopped the run with overdue timers left. */
  truncated: boolean;
}

export async function reconcileDueTimers(
  deps: SendDeps,
  { pageSize = 100, maxTimers = 2_000, graceMs = 15 * 60_000 }: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const upTo = new Date(deps.clock.now().getTime() - graceMs);
  const results: Record<string, number> = {};
  const done = new Set<string>();
  let truncated = false;
  for (;;) {
    // A timer that failed stays due: read past the ones this run already handled.
    const limit = done.size + pageSize;
    const due = await deps.store.listDueTimers(upTo, limit);
    const fresh = due.filter(({ prospectId, timer }) => !done.has(`${prospectId}#${timer.id}`));
    for (const { prospectId, timer } of fresh) {
      if (done.size >= maxTimers) {
        truncated = true;
        break;
      }
      done.add(`${prospectId}#${timer.id}`);
      const fields = { prospectId, timerId: timer.id, kind: timer.kind, at: timer.at, rule: timer.rule };
      let result: DueResult["result"] | "failed";
      try {
        const outcome = await runDueTimer({ prospectId, timerId: timer.id, kind: timer.kind }, deps);
        result = outcome.result;
        deps.log.info("reconcile.timer", { ...fields, ...outcome });
      } catch (error) {
        result = "failed";
        deps.log.error("reconcile.failed", { ...fields, error: (error as Error).message });
      }
      results[result] = (results[result] ?? 0) + 1;
    }
    if (truncated || due.length < limit || fresh.length === 0) break;
  }
  const summary = { upTo: upTo.toISOString(), ran: done.size, results, truncated };
  if (truncated) deps.log.warn("reconcile.ran", summary);
  else deps.log.info("reconcile.ran", summary);
  return summary;
}

let deps: SendDeps | undefined;

/** The Lambda entry (a daily EventBridge Scheduler cron, stacks/timers.ts); wired on the first call. */
export const handler = async (): Promise<ReconcileResult> => {
  deps ??= sendingDeps("reconcile");
  return reconcileDueTimers(deps);
};
