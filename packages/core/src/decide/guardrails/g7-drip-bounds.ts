import type { Timer } from "../../schemas/prospect.ts";

/**
 * G7: a drip never runs past the prospect's next scheduled call, callback or recycle. Emails
 * after the earliest of those are dropped: the call that comes next starts the conversation anew.
 * An email due at the same instant as the call is kept (both moved to "now" by a late import).
 * A CRM notification (`notify`, issue 4) is no call: it bounds nothing.
 */
export function boundDrips(timers: readonly Timer[]): { kept: Timer[]; dropped: Timer[] } {
  const calls = timers.filter((t) => t.kind !== "email" && t.kind !== "notify").map((t) => Date.parse(t.at));
  const bound = calls.length ? Math.min(...calls) : null;
  const kept: Timer[] = [];
  const dropped: Timer[] = [];
  for (const timer of timers) {
    const past = bound !== null && timer.kind === "email" && Date.parse(timer.at) > bound;
    (past ? dropped : kept).push(timer);
  }
  return { kept, dropped };
}
