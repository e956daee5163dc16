/**
 * Shared planning steps for the rules: a sequence's emails, a call in a half-day, a recycle after a
 * delay. Delays count from the event's `occurredAt`; a time that has already passed moves to the next
 * allowed slot from now (PLAYBOOK.md, "Terms").
 */
import type { DateTime } from "luxon";
import { toUtcIso } from "../calendar/calendar.ts";
import type { DailyWindow } from "../schemas/playbook.ts";
import type { HalfDay } from "../schemas/prospect.ts";
import type { PlannedTimer, RuleContext, RuleId } from "./types.ts";

/** A repeating sequence (keep-warm) is cut by G7 long before this; the cap only bounds the loop. */
const MAX_REPEATS = 36;

/** The later of two instants (Luxon DateTimes compare by value, Math.max would return a number). */
export const later = (a: DateTime, b: DateTime) => (a > b ? a : b);

export function windowOf(ctx: RuleContext, kind: "send" | "preferred"): DailyWindow {
  return kind === "preferred" ? ctx.playbook.preferredWindow : ctx.playbook.sendWindow;
}

/** G2 at plan time: the first instant in the window at or after the target, and never before now. */
export function emailSlot(ctx: RuleContext, target: DateTime, window: DailyWindow): DateTime {
  return ctx.cal.nextWindowSlot(later(target, ctx.now), window);
}

/**
 * Every email of a sequence, enrolled at `enrolAt`. A repeating sequence (keep-warm) repeats until
 * `until`; G7 bounds every drip again in decide(). Each email keeps the slot the playbook planned for
 * it (`plannedAt`, counted from `enrolAt`); `at` is that slot, or the next slot from now when it has
 * passed. Overdue steps therefore all land on the same slot here: decide() spaces them (G9) and skips
 * the moment-bound ones that are too late (G8).
 */
export function sequenceTimers(
  ctx: RuleContext,
  name: string,
  rule: RuleId,
  enrolAt: DateTime = ctx.occurredAt,
  until?: DateTime,
): PlannedTimer[] {
  const sequence = ctx.playbook.sequences[name];
  if (!sequence) throw new Error(`Unknown sequence ${name}`); // the playbook schema rules this out
  const window = windowOf(ctx, sequence.window);
  // stepSlot(…, notBefore: now) is nextWindowSlot(later(target, now)); from the planned slot that is
  // the planned slot itself while it is still ahead, else the next slot from now.
  const slot = (planned: DateTime) =>
    planned >= ctx.now ? planned : ctx.cal.nextWindowSlot(ctx.now, window);
  const email = (planned: DateTime, step: number, template: string): PlannedTimer => ({
    kind: "email",
    at: toUtcIso(slot(planned)),
    rule,
    sequence: name,
    step,
    template,
    plannedAt: toUtcIso(planned),
  });

  if (sequence.everyMonths) {
    const [only] = sequence.steps;
    if (!only) return [];
    const timers: PlannedTimer[] = [];
    for (let i = 1; i <= MAX_REPEATS; i++) {
      const planned = ctx.cal.stepSlot(
        enrolAt,
        { months: i * sequence.everyMonths },
        only.time,
        window,
        enrolAt,
      );
      if (until && slot(planned) >= until) break;
      timers.push(email(planned, i, only.template));
    }
    return timers;
  }
  return sequence.steps.map((step, i) =>
    email(
      ctx.cal.stepSlot(enrolAt, { businessDays: step.businessDays }, step.time, window, enrolAt),
      i + 1,
      step.template,
    ),
  );
}

/** A call in `half` of the local day of `day` (or the next business day's), never before now. */
export function callTimer(
  ctx: RuleContext,
  day: DateTime,
  half: HalfDay,
  rule: RuleId,
  extra: Partial<PlannedTimer> = {},
): PlannedTimer {
  const start = ctx.cal.halfWindow(day, half).start;
  const slot = ctx.cal.nextCallSlot(later(start, ctx.now), half);
  return {
    kind: "call",
    at: toUtcIso(slot.start),
    rule,
    half,
    window: { start: toUtcIso(slot.start), end: toUtcIso(slot.end) },
    ...extra,
  };
}

/** Back into the call queue `days` calendar days after `basis`, in `half` of that (business) day. */
export function recycleTimer(
  ctx: RuleContext,
  days: number,
  rule: RuleId,
  half: HalfDay,
  basis: DateTime = ctx.occurredAt,
): PlannedTimer {
  return {
    ...callTimer(ctx, ctx.cal.dayAfter(basis, days), half, rule),
    kind: "recycle",
    basis: toUtcIso(basis),
  };
}

export const tierDelay = (ctx: RuleContext) => ctx.playbook.tiers[ctx.state.profile.tier].recycleAfterDays;

/** The half-day to suggest for the next call: the other half from the last failed one. */
export function suggestedHalf(ctx: RuleContext): HalfDay {
  return ctx.cal.halfOf(ctx.occurredAt) === "morning" ? "afternoon" : "morning";
}
