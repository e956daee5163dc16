import type { Timer } from "../../schemas/prospect.ts";

/**
 * G7: a drip never runs past the prospect's next scheduled call, callback or recycle. Emails at or
 * after the earliest of those are dropped: the call that comes next starts the conversation anew.
 */
export function boundDrips(timers: readonly Timer[]): { kept: Timer[]; dropped: Timer[] } {
  const calls = timers.filter((t) => t.kind !== "email").map((t) => t.at);
  const bound = calls.length ? calls.reduce((a, b) => (a < b ? a : b)) : null;
  const kept: Timer[] = [];
  const dropped: Timer[] = [];
  for (const timer of timers) {
    const past = bound !== null && timer.kind === "email" && Date.parse(timer.at) >= Date.parse(bound);
    (past ? dropped : kept).push(timer);
  }
  return { kept, dropped };
}
