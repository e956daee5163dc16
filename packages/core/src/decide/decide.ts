/**
 * decide(): the playbook as one pure function. Given the prospect as stored, an event, the playbook and
 * `now`, it returns the next state and the actions, with UTC times. No I/O, no clock: tests need only
 * dates. Rules R0–R13 live one per file in ./rules; the planning side of the guardrails in ./guardrails.
 */
import { DateTime } from "luxon";
import { isoUtc, toUtcIso } from "../calendar/calendar.ts";
import { prospectCalendar } from "../calendar/prospect-calendar.ts";
import { RedialError } from "../errors.ts";
import type { Playbook } from "../schemas/playbook.ts";
import type { Action, Outcome, Prospect, Timer } from "../schemas/prospect.ts";
import { emailBlocker } from "./guardrails/g1-email-allowed.ts";
import { staleEventReason } from "./guardrails/g6-order.ts";
import { boundDrips } from "./guardrails/g7-drip-bounds.ts";
import { freshEmails } from "./guardrails/g8-fresh.ts";
import { spaceEmails } from "./guardrails/g9-spacing.ts";
import { emailSlot, windowOf } from "./plan.ts";
import { mergeProfile, newProspect } from "./prospect.ts";
import { chooseRule, isOptOut } from "./rules/index.ts";
import { type Decision, type DecisionInput, isInbound, type Plan, type RuleContext } from "./types.ts";
import { localised, zoneRemarks } from "./zone.ts";

const WEEK_MS = 7 * 86_400_000;
const MAX_NOTES = 10;

export interface DecideOptions {
  /** Whether the event's address is on the suppression list (G1). */
  suppressed?: boolean;
}

export function decide(
  before: Prospect | null,
  input: DecisionInput,
  playbook: Playbook,
  now: Date,
  options: DecideOptions = {},
): Decision {
  if (!before && !isInbound(input)) throw new RedialError("not_found", `No prospect for ${input.type}`);
  const base = before ?? newProspect(isInbound(input) ? input.prospect.id : "", isoUtc(now.getTime()));

  const stale = isInbound(input) ? staleEventReason(input.occurredAt, base.lastEventAt) : null;
  // R0 is honoured whenever its event arrives: G6 protects the prospect's state, never a "stop".
  if (stale && !isOptOut(input)) {
    const ctx = contextFor(base, before, input, playbook, now, false);
    return localised(
      apply(ctx, { rule: "G6", applied: false, reason: stale, cancel: "none" }),
      ctx.cal.zone,
      [],
    );
  }
  // An old event's profile fields are old too: only the newest event updates the profile.
  const state =
    isInbound(input) && !stale ? { ...base, profile: mergeProfile(base.profile, input.prospect) } : base;
  const ctx = contextFor(state, before, input, playbook, now, options.suppressed ?? false);
  // G2: an unknown zone in the event is named, with the zone used (decide/zone.ts).
  const remarks = isInbound(input) && !stale ? zoneRemarks(input.prospect, state.profile, ctx.cal.zone) : [];
  return localised(apply(ctx, chooseRule(ctx)), ctx.cal.zone, remarks);
}

function contextFor(
  state: Prospect,
  before: Prospect | null,
  input: DecisionInput,
  playbook: Playbook,
  nowDate: Date,
  suppressed: boolean,
): RuleContext {
  const cal = prospectCalendar(state.profile, playbook);
  // Both instants in the prospect's zone from the start, so no later step has to convert them.
  const now = DateTime.fromMillis(nowDate.getTime(), { zone: cal.tz });
  const occurred = DateTime.fromMillis(Date.parse(input.occurredAt), { zone: cal.tz });
  return {
    state,
    before,
    input,
    playbook,
    cal,
    now,
    occurredAt: occurred > now ? now : occurred,
    suppressed,
  };
}

/** Turns a rule's plan into the next state and the actions, through the guardrails. */
function apply(ctx: RuleContext, plan: Plan): Decision {
  const { state, input, now } = ctx;
  const applied = plan.applied ?? true;
  const nowIso = toUtcIso(now);
  const version = (ctx.before?.version ?? 0) + 1;
  if (!applied) return unchanged(ctx, plan, version, nowIso);

  const status = plan.status ?? state.status;
  const cycle = plan.cycle ?? state.cycle;
  const newCycle = cycle !== state.cycle;
  const remarks = [...(plan.remarks ?? [])];
  const suppress = plan.suppress ?? [];

  // A CRM notification (issue 4) reports a fact that already happened: no rule takes it back.
  const cancelled = (t: Timer) =>
    t.kind !== "notify" &&
    (plan.cancel === "all" ||
      (plan.cancel === "email" && t.kind === "email") ||
      (typeof plan.cancel === "object" && plan.cancel.ids.includes(t.id)));
  const kept = state.timers.filter((t) => !cancelled(t));
  let planned: Timer[] = (plan.timers ?? []).map((t, i) => ({ ...t, id: `${version}.${i + 1}`, cycle }));

  // G1: no email planned where none may be sent.
  const emailInvalid = plan.emailInvalid ?? state.emailInvalid;
  const addressSuppressed = ctx.suppressed || suppress.includes(state.profile.email?.toLowerCase() ?? "");
  const blocker = emailBlocker({
    email: state.profile.email,
    status,
    emailInvalid,
    suppressed: addressSuppressed,
  });
  if (blocker && planned.some((t) => t.kind === "email")) {
    planned = planned.filter((t) => t.kind !== "email");
    remarks.push(blocker);
  }

  // G8, G9, G3: skip moment-bound steps already too late, space the rest (their sequence's gaps, the
  // min gap, the 7-day cap) against the emails sent or still pending, then skip those spacing made late.
  const recentEmails = state.recentEmails.filter((at) => now.toMillis() - Date.parse(at) < WEEK_MS);
  const history = [...recentEmails, ...kept.filter((t) => t.kind === "email").map((t) => t.at)];
  const reslot = (timer: Timer, earliest: DateTime) =>
    emailSlot(ctx, earliest, windowOf(ctx, ctx.playbook.sequences[timer.sequence ?? ""]?.window ?? "send"));
  const fresh = freshEmails(
    ctx.cal,
    ctx.playbook,
    planned.filter((t) => t.kind === "email"),
  );
  const spaced = freshEmails(
    ctx.cal,
    ctx.playbook,
    spaceEmails(fresh.kept, history, {
      cal: ctx.cal,
      minGapBusinessDays: ctx.playbook.lateSteps.minGapBusinessDays,
      perProspectPer7Days: ctx.playbook.caps.perProspectPer7Days,
      reslot,
    }),
  );
  remarks.push(...fresh.remarks, ...spaced.remarks);
  planned = [...spaced.kept, ...planned.filter((t) => t.kind !== "email")];

  // G7: no drip past the next call, callback or recycle.
  const bounded = boundDrips([...kept, ...planned]);
  const plannedIds = new Set(planned.map((t) => t.id));
  const droppedPlanned = bounded.dropped.filter((t) => plannedIds.has(t.id));
  if (droppedPlanned.length)
    remarks.push(`${droppedPlanned.length} drip email(s) would fall after the next call: not planned (G7)`);
  const removed = [
    ...state.timers.filter(cancelled),
    ...bounded.dropped.filter((t) => !plannedIds.has(t.id)),
  ];
  const added = bounded.kept.filter((t) => plannedIds.has(t.id));

  const outcome = outcomeOf(ctx);
  const eventNote = isInbound(input) && input.note ? [input.note] : [];
  const notes = [...(newCycle ? [] : state.notes), ...eventNote, ...(plan.notes ?? [])].slice(-MAX_NOTES);
  const leavesQueue = isInbound(input) && input.type !== "prospect.updated";

  const queue = plan.queue !== undefined ? plan.queue : leavesQueue ? null : state.queue;
  const { queue: _previousQueue, ...unqueued } = state;
  const next: Prospect = {
    ...unqueued,
    ...(queue ? { queue } : {}),
    status,
    version,
    cycle,
    counters: countersAfter(ctx, plan, newCycle),
    // Capped at now: one event from a fast CRM clock must not make the next day's events look old (G6).
    ...(isInbound(input) ? { lastEventAt: latest(state.lastEventAt, toUtcIso(ctx.occurredAt)) } : {}),
    ...(outcome ? { lastOutcome: outcome } : {}),
    notes,
    timers: bounded.kept.sort(byAt),
    emailInvalid,
    recentEmails,
    updatedAt: nowIso,
  };

  const actions: Action[] = [
    ...(removed.length ? [{ type: "cancel" as const, at: nowIso, timerIds: removed.map((t) => t.id) }] : []),
    ...suppress.map((email) => ({ type: "suppress" as const, at: nowIso, email })),
    ...added.sort(byAt).flatMap(timerAction),
  ];
  return {
    rule: plan.rule,
    applied: true,
    ...(plan.reason ? { reason: plan.reason } : {}),
    next,
    actions,
    timersAdded: added,
    timersRemoved: removed,
    suppress,
    remarks,
    ...(outcome ? { outcome } : {}),
  };
}

/** An event that is recorded but changes nothing (G6, a stopped prospect, a stale timer). */
function unchanged(ctx: RuleContext, plan: Plan, version: number, nowIso: string): Decision {
  const base = ctx.before ?? ctx.state;
  return {
    rule: plan.rule,
    applied: false,
    ...(plan.reason ? { reason: plan.reason } : {}),
    next: { ...base, version, updatedAt: nowIso },
    actions: [],
    timersAdded: [],
    timersRemoved: [],
    suppress: [],
    remarks: plan.remarks ?? [],
  };
}

function countersAfter(ctx: RuleContext, plan: Plan, newCycle: boolean): Prospect["counters"] {
  const { input } = ctx;
  const counters = { ...ctx.state.counters, ...(newCycle ? { softNos: 0, noAnswers: 0 } : {}) };
  if (input.type.startsWith("call.")) counters.touches += 1;
  // R7 counts stalls "in a row": a conversation with another outcome breaks the streak; an
  // unanswered call does not (nobody said anything).
  if (["call.rejected", "prospect.replied", "prospect.meeting_booked"].includes(input.type))
    counters.stallStreak = 0;
  return { ...counters, ...plan.counters };
}

function outcomeOf(ctx: RuleContext): Outcome | undefined {
  const { input } = ctx;
  if (!isInbound(input) || !input.type.startsWith("call.")) return undefined;
  if (staleEventReason(input.occurredAt, ctx.state.lastEventAt)) return undefined; // a late opt-out
  const reason =
    input.type === "call.rejected"
      ? input.reason
      : input.type === "call.stalled"
        ? input.callbackReason
        : undefined;
  return {
    type: input.type,
    ...(reason ? { reason } : {}),
    ...(input.note ? { note: input.note } : {}),
    at: isoUtc(Date.parse(input.occurredAt)),
    half: ctx.cal.halfOf(ctx.occurredAt),
  };
}

/** The contract's action for a planned timer; none for a CRM notification (not one of its five types). */
function timerAction(t: Timer): Action[] {
  const { id, kind, at, sequence, step, template, half, window, prompts } = t;
  if (kind === "notify") return [];
  const type = kind === "callback" ? "call" : kind;
  const purpose = kind === "callback" ? ("callback" as const) : undefined;
  return [{ type, at, timerId: id, purpose, sequence, step, template, half, window, prompts }];
}

/** UTC ISO strings of one format sort as text; plain comparison, not the (slow, ICU) localeCompare. */
const byAt = (a: { at: string }, b: { at: string }) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0);
const latest = (a: string | undefined, b: string) => (a && Date.parse(a) > Date.parse(b) ? a : b);
