/**
 * I1: every prospect is terminal or has exactly the pending timers its state requires, and the index
 * items agree with the prospect. What each state requires comes from the rules that set it:
 *
 * | status             | set by            | pending timers (besides CRM `notify` timers)                     |
 * |--------------------|-------------------|------------------------------------------------------------------|
 * | new                | R13 (first event) | none                                                             |
 * | retrying           | R2, R8            | one `call` (emails may be pending); or none once it came due and |
 * |                    |                   |   the prospect is in the queue for the retry (R12 `callDue`)     |
 * | nurturing          | R3, R7 4th, R8 7th| one `recycle`; emails of the drip may be pending                 |
 * | recycling          | R4                | one `recycle`, no email                                          |
 * | callback_scheduled | R5–R7             | one `callback`; keep-warm emails may be pending                  |
 * | queued             | R12               | none; the live queue entry (recycle or callback)                 |
 * | engaged            | R9                | none                                                             |
 * | converted, opted_out, disqualified | R10, R0, R1 | none (terminal)                                     |
 *
 * `notify` timers are allowed in every state: a CRM notice reports a fact no later rule takes back.
 * Beyond the state, the timeline must account for every timer ever planned: each timer id a decision
 * planned is still pending, or was cancelled (a `cancel` action names it), or its email ran to an
 * end (`email.sent`/`unknown`/`dropped`/`failed`). A timer that vanished without a trace is lost.
 */
import type { Prospect, QueueEntry, Status, TimerKind } from "../schemas/prospect.ts";
import { EMAIL_OUTCOMES, ENDING_OUTCOMES } from "./sends.ts";
import type { ProspectSnapshot } from "./types.ts";

type CallKind = Exclude<TimerKind, "notify">;

interface Requirement {
  /** Kinds that may be pending. */
  allowed: readonly CallKind[];
  /** Exactly one pending timer of this kind… */
  requires?: CallKind;
  /** …unless the prospect is in the call queue for one of these reasons (then none of that kind). */
  orQueued?: readonly QueueEntry["reason"][];
  /** The live queue entry the state needs, and the reasons it may have. */
  queue?: readonly QueueEntry["reason"][];
}

export const PENDING_BY_STATUS: Readonly<Record<Status, Requirement>> = {
  new: { allowed: [] },
  retrying: { allowed: ["email", "call"], requires: "call", orQueued: ["retry"] },
  nurturing: { allowed: ["email", "recycle"], requires: "recycle" },
  recycling: { allowed: ["recycle"], requires: "recycle" },
  callback_scheduled: { allowed: ["email", "callback"], requires: "callback" },
  queued: { allowed: [], queue: ["recycle", "callback"] },
  engaged: { allowed: [] },
  converted: { allowed: [] },
  opted_out: { allowed: [] },
  disqualified: { allowed: [] },
};

export function checkTimers(snapshot: ProspectSnapshot): string[] {
  const problems: string[] = [];
  for (const item of snapshot.unreadable) problems.push(`item ${item.sk} cannot be read: ${item.problem}`);
  const { prospect } = snapshot;
  if (!prospect) {
    const orphans = [
      ...snapshot.timeline.map((e) => `TL#${e.version}`),
      ...snapshot.timerItems.map((t) => `TIMER#${t.id}`),
      ...(snapshot.queueItem ? ["QUEUE"] : []),
      ...snapshot.entered.map((e) => `ENTERED#${e.cycle}`),
      ...snapshot.claims.map((c) => `SEND#${c.timerId}`),
    ];
    if (orphans.length)
      problems.push(`${orphans.length} item(s) without a prospect: ${orphans.slice(0, 10).join(", ")}`);
    return problems;
  }
  problems.push(...indexProblems(snapshot, prospect));
  problems.push(...stateProblems(prospect));
  problems.push(...historyProblems(snapshot, prospect));
  return problems;
}

/** The `TIMER#`, `QUEUE` and `ENTERED#` items mirror the prospect item and carry the right index keys. */
function indexProblems(snapshot: ProspectSnapshot, prospect: Prospect): string[] {
  const problems: string[] = [];
  const indexed = new Map(snapshot.timerItems.map((item) => [item.id, item]));
  for (const timer of prospect.timers) {
    const item = indexed.get(timer.id);
    if (!item) {
      problems.push(
        `pending ${timer.kind} timer ${timer.id} (due ${timer.at}) has no TIMER# index item: the due index never finds it`,
      );
    } else if (item.timer.kind !== timer.kind || Date.parse(item.timer.at) !== Date.parse(timer.at)) {
      problems.push(
        `TIMER#${timer.id} indexes a ${item.timer.kind} due ${item.timer.at}; the prospect has a ${timer.kind} due ${timer.at}`,
      );
    }
  }
  const pending = new Set(prospect.timers.map((t) => t.id));
  for (const item of snapshot.timerItems) {
    if (!pending.has(item.id))
      problems.push(
        `dangling index item TIMER#${item.id} (${item.timer.kind} due ${item.timer.at}): no such pending timer`,
      );
    if (item.keyProblem) problems.push(`TIMER#${item.id}: ${item.keyProblem}`);
  }

  const live = snapshot.queueItem;
  if (prospect.queue && !live) problems.push("the prospect is in the call queue but has no QUEUE index item");
  if (!prospect.queue && live)
    problems.push(
      `dangling QUEUE item (due ${live.entry.dueAt}, owner ${live.entry.ownerId}): not in the queue`,
    );
  if (prospect.queue && live) {
    const a = prospect.queue;
    const b = live.entry;
    if (Date.parse(a.dueAt) !== Date.parse(b.dueAt) || a.ownerId !== b.ownerId || a.cycle !== b.cycle)
      problems.push(
        `QUEUE item (due ${b.dueAt}, ${b.ownerId}, cycle ${b.cycle}) differs from the prospect's entry (due ${a.dueAt}, ${a.ownerId}, cycle ${a.cycle})`,
      );
  }
  if (live?.keyProblem) problems.push(`QUEUE: ${live.keyProblem}`);
  for (const entered of snapshot.entered) {
    if (entered.keyProblem) problems.push(`ENTERED#${entered.cycle}: ${entered.keyProblem}`);
    if (entered.cycle > prospect.cycle)
      problems.push(`ENTERED#${entered.cycle} is for a cycle after the prospect's (${prospect.cycle})`);
  }
  return problems;
}

/** The pending timers and queue entry the status requires (the table above). */
function stateProblems(prospect: Prospect): string[] {
  const problems: string[] = [];
  const rule = PENDING_BY_STATUS[prospect.status];
  const timers = prospect.timers.filter((t) => t.kind !== "notify");
  const terminal = ["converted", "opted_out", "disqualified"].includes(prospect.status);
  for (const timer of timers) {
    if (!rule.allowed.includes(timer.kind as CallKind)) {
      problems.push(
        terminal
          ? `${prospect.status} (terminal) but a ${timer.kind} timer ${timer.id} is pending (due ${timer.at})`
          : `${prospect.status} but a ${timer.kind} timer ${timer.id} is pending (due ${timer.at}): the state allows ${rule.allowed.join(", ") || "none"}`,
      );
    }
    if (timer.cycle !== prospect.cycle)
      problems.push(
        `${timer.kind} timer ${timer.id} belongs to cycle ${timer.cycle}, the prospect is in cycle ${prospect.cycle} (G7)`,
      );
  }

  const queue = prospect.queue;
  if (rule.requires) {
    const count = timers.filter((t) => t.kind === rule.requires).length;
    const queuedInstead = queue !== undefined && (rule.orQueued ?? []).includes(queue.reason);
    if (queuedInstead && count > 0)
      problems.push(
        `${prospect.status}: in the queue for a ${queue?.reason} and a ${rule.requires} timer still pending`,
      );
    else if (!queuedInstead && count !== 1)
      problems.push(
        `${prospect.status} needs exactly one pending ${rule.requires} timer, has ${count}${count === 0 ? ": the prospect would never come back" : ""}`,
      );
  }
  if (rule.queue && (!queue || !rule.queue.includes(queue.reason)))
    problems.push(
      `${prospect.status} but ${queue ? `its queue entry is a ${queue.reason}` : "not in the call queue"}`,
    );
  const queueAllowed = rule.queue ?? rule.orQueued ?? [];
  if (queue && !queueAllowed.includes(queue.reason))
    problems.push(`${prospect.status} but in the call queue (${queue.reason}, due ${queue.dueAt})`);
  return problems;
}

/** Every timer a decision planned is pending or ended on the timeline; nothing pending came from nowhere. */
function historyProblems(snapshot: ProspectSnapshot, prospect: Prospect): string[] {
  const problems: string[] = [];
  const versions = new Set(snapshot.timeline.map((entry) => entry.version));
  const missing: number[] = [];
  for (let v = 1; v <= prospect.version; v++) if (!versions.has(v)) missing.push(v);
  if (missing.length)
    problems.push(
      `timeline is missing version(s) ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ", …" : ""} of ${prospect.version}: timers cannot be accounted for`,
    );

  const planned = new Map<string, { kind: string; rule: string; version: number }>();
  const ended = new Set<string>();
  for (const entry of snapshot.timeline) {
    const outcome = EMAIL_OUTCOMES.has(entry.type);
    for (const action of entry.actions) {
      if (action.type === "cancel") for (const id of action.timerIds ?? []) ended.add(id);
      else if (action.timerId && !outcome)
        planned.set(action.timerId, { kind: action.type, rule: entry.rule ?? "?", version: entry.version });
      else if (action.timerId && ENDING_OUTCOMES.has(entry.type)) ended.add(action.timerId);
    }
  }
  const pending = new Map(prospect.timers.filter((t) => t.kind !== "notify").map((t) => [t.id, t]));
  for (const [id, plan] of planned) {
    if (!pending.has(id) && !ended.has(id))
      problems.push(
        `${plan.kind} timer ${id} (planned by ${plan.rule} at version ${plan.version}) is neither pending nor cancelled nor run: lost`,
      );
    if (pending.has(id) && ended.has(id))
      problems.push(`${plan.kind} timer ${id} was cancelled or ran, yet is still pending`);
  }
  for (const [id, timer] of pending)
    if (!planned.has(id))
      problems.push(`pending ${timer.kind} timer ${id} was never planned on the timeline`);
  return problems;
}
