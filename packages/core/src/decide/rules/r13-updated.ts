import { DateTime } from "luxon";
import { resolveZone, toUtcIso } from "../../calendar/calendar.ts";
import { zoneFor } from "../../calendar/zone.ts";
import type { Timer } from "../../schemas/prospect.ts";
import { emailSlot, later, recycleTimer, windowOf } from "../plan.ts";
import type { Plan, PlannedTimer, RuleContext } from "../types.ts";

/** Recycles whose delay comes from the tier (R7's 365 days does not). */
const TIER_RECYCLES = new Set(["R3", "R4", "R8"]);

/**
 * R13: the CRM updated the profile. A change of fit is R1 (decided before this rule runs). A new tier
 * re-plans tier-based recycles from their original basis; a new time zone keeps every pending timer at
 * the same local wall-clock time in the new zone, then re-fits it to the calendar; a new email address
 * clears `emailInvalid` so the new address gets its chance.
 */
export function updated(ctx: RuleContext): Plan {
  const before = ctx.before;
  if (!before) return { rule: "R13", status: "new", cancel: "none" };
  const team = ctx.playbook.team.timezone;
  const oldZone = resolveZone(before.profile, team);
  const zoneChanged = oldZone !== ctx.cal.zone;
  const tierChanged = before.profile.tier !== ctx.state.profile.tier;
  const emailChanged =
    (before.profile.email ?? "").toLowerCase() !== (ctx.state.profile.email ?? "").toLowerCase();

  const moved: { from: Timer; to: PlannedTimer }[] = [];
  for (const timer of ctx.state.timers) {
    // A CRM notification (issue 4) is due now and retried on its own schedule, not a local time.
    if (timer.kind === "notify") continue;
    let to: PlannedTimer | null = null;
    if (zoneChanged) to = reZone(ctx, timer, oldZone);
    if (tierChanged && timer.kind === "recycle" && timer.basis && TIER_RECYCLES.has(timer.rule)) {
      const half = timer.half ?? "morning";
      to = {
        ...recycleTimer(
          ctx,
          ctx.playbook.tiers[ctx.state.profile.tier].recycleAfterDays,
          "R13",
          half,
          DateTime.fromISO(timer.basis),
        ),
        rule: timer.rule,
      };
    }
    if (to && to.at !== timer.at) moved.push({ from: timer, to });
  }
  const remarks = [
    ...(zoneChanged ? [`Time zone ${oldZone} → ${ctx.cal.zone}: pending timers keep their local time.`] : []),
    ...(tierChanged ? [`Tier ${before.profile.tier} → ${ctx.state.profile.tier}: recycles re-planned.`] : []),
    ...(emailChanged && before.emailInvalid ? ["New email address: emailInvalid cleared."] : []),
  ];
  // A queued prospect handed to another rep moves to that rep's queue.
  const newOwner = ctx.state.profile.owner?.id;
  const requeued = ctx.state.queue && newOwner && newOwner !== ctx.state.queue.ownerId;
  return {
    rule: "R13",
    ...(requeued && ctx.state.queue ? { queue: { ...ctx.state.queue, ownerId: newOwner } } : {}),
    cancel: { ids: moved.map((m) => m.from.id) },
    timers: moved.map((m) => m.to),
    ...(emailChanged ? { emailInvalid: false } : {}),
    remarks,
  };
}

function reZone(ctx: RuleContext, timer: Timer, oldZone: string): PlannedTimer {
  const { id: _id, cycle: _cycle, ...rest } = timer;
  const keepLocal = (iso: string) =>
    DateTime.fromISO(iso).setZone(zoneFor(oldZone)).setZone(ctx.cal.tz, { keepLocalTime: true });
  const local = keepLocal(timer.at);
  if (timer.kind === "email") {
    const window = windowOf(ctx, ctx.playbook.sequences[timer.sequence ?? ""]?.window ?? "send");
    // The planned time moves the same way, so G8 and G9 measure lateness in the new zone's local time.
    const plannedAt = timer.plannedAt ? { plannedAt: toUtcIso(keepLocal(timer.plannedAt)) } : {};
    return { ...rest, ...plannedAt, at: toUtcIso(emailSlot(ctx, local, window)) };
  }
  const half = timer.half ?? ctx.cal.halfOf(local);
  const slot = ctx.cal.nextCallSlot(later(local, ctx.now), half);
  return {
    ...rest,
    at: toUtcIso(slot.start),
    window: { start: toUtcIso(slot.start), end: toUtcIso(slot.end) },
  };
}
