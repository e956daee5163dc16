/**
 * runDueTimer(): the one entry point for a timer that came due, used by both engines (the EventBridge
 * Scheduler target in AWS, the local timer loop on a laptop). It dispatches by kind; each use-case
 * reloads the prospect and treats a timer that is no longer pending as stale.
 */

import { runNotifyTimer } from "../notify/run-notify.ts";
import type { TimerKind } from "../schemas/prospect.ts";
import type { SendOutcome } from "../send/outcome.ts";
import type { SendDeps } from "../send/run-email.ts";
import { runEmailTimer } from "../send/run-email.ts";
import { runTimer } from "./run-timer.ts";

export type DueResult =
  | { result: "applied"; decision: { rule: string; applied: boolean; status: string } }
  | { result: "stale" }
  /** An email another run is sending right now. */
  | { result: "in_flight" }
  | { result: SendOutcome["kind"]; detail: string; messageId?: string }
  /** A CRM notification (issue 4): delivered, failed (retried later) or dead-lettered. */
  | { result: "delivered" | "dead_lettered"; detail: string };

export async function runDueTimer(
  key: { prospectId: string; timerId: string; kind: TimerKind },
  deps: SendDeps,
): Promise<DueResult> {
  if (key.kind === "email") {
    const run = await runEmailTimer(key, deps);
    if (run.result === "stale" || run.result === "in_flight") return { result: run.result };
    return {
      result: run.result,
      detail: run.timeline,
      ...(run.messageId ? { messageId: run.messageId } : {}),
    };
  }
  if (key.kind === "notify") return runNotifyTimer(key, deps);
  const decision = await runTimer(key, deps);
  if (!decision) return { result: "stale" };
  return {
    result: "applied",
    decision: { rule: decision.rule, applied: decision.applied, status: decision.next.status },
  };
}
