/**
 * The guardrails at send time (PLAYBOOK.md: "checked when an action runs, not only when it is
 * planned"). Pure: the prospect as just read, the timer, the playbook and `now`. Suppression is
 * checked again by the claim itself (Store.claimSend), at the last possible moment.
 */
import { DateTime } from "luxon";
import { prospectCalendar } from "../calendar/prospect-calendar.ts";
import { emailBlocker } from "../decide/guardrails/g1-email-allowed.ts";
import { freshUntil, isMomentBound, staleReason } from "../decide/guardrails/g8-fresh.ts";
import { nextAllowed } from "../decide/guardrails/g9-spacing.ts";
import type { Playbook } from "../schemas/playbook.ts";
import type { Prospect, Timer } from "../schemas/prospect.ts";

const WEEK_MS = 7 * 86_400_000;

export type Verdict =
  | { kind: "send" }
  /** Not now: the send moves to `at` (G2 window, G3 cap, G9 min gap), never dropped. */
  | { kind: "defer"; at: DateTime; rule: "G2" | "G3" | "G9"; reason: string }
  /** Never: the email must not go out (G1, G7, G8 too late for its words). */
  | { kind: "drop"; rule: "G1" | "G7" | "G8"; reason: string };

export function sendVerdict(prospect: Prospect, timer: Timer, playbook: Playbook, nowDate: Date): Verdict {
  const verdict = verdictNow(prospect, timer, playbook, nowDate);
  // G8: a moment-bound email deferred past its freshness would only be dropped when it comes due.
  if (verdict.kind === "defer" && isMomentBound(playbook, timer.sequence)) {
    const cal = prospectCalendar(prospect.profile, playbook);
    if (verdict.at > freshUntil(cal, timer.plannedAt ?? timer.at, playbook)) {
      const reason = staleReason(cal, playbook, timer, verdict.at) ?? "too late (G8)";
      return { kind: "drop", rule: "G8", reason: `${verdict.reason} (${verdict.rule}); ${reason}` };
    }
  }
  return verdict;
}

function verdictNow(prospect: Prospect, timer: Timer, playbook: Playbook, nowDate: Date): Verdict {
  // G1: the prospect's state and address, as stored now.
  const blocker = emailBlocker({
    email: prospect.profile.email,
    status: prospect.status,
    emailInvalid: prospect.emailInvalid,
    suppressed: false, // the claim checks the suppression list itself, atomically
  });
  if (blocker) return { kind: "drop", rule: "G1", reason: blocker };

  // G7: a drip never runs past the next call: if a call, callback or recycle has come due, the email is
  // late. A pending CRM notification (issue 4) is no call.
  const calls = prospect.timers
    .filter((t) => t.kind !== "email" && t.kind !== "notify")
    .map((t) => Date.parse(t.at));
  if (calls.length && Math.min(...calls) <= nowDate.getTime()) {
    return { kind: "drop", rule: "G7", reason: "the next call is already due: the drip stops there (G7)" };
  }

  const cal = prospectCalendar(prospect.profile, playbook);
  const now = DateTime.fromMillis(nowDate.getTime(), { zone: cal.tz });
  const window =
    playbook.sequences[timer.sequence ?? ""]?.window === "preferred"
      ? playbook.preferredWindow
      : playbook.sendWindow;

  // G8: a timer that fired late (an outage, a deferral) must not say "I just called" days later.
  const stale = staleReason(cal, playbook, timer, now);
  if (stale) return { kind: "drop", rule: "G8", reason: stale };

  // G3, per prospect: at most N automated emails in any rolling 7 days.
  const recent = prospect.recentEmails
    .map(Date.parse)
    .filter((at) => nowDate.getTime() - at < WEEK_MS)
    .sort((a, b) => a - b);
  const cap = playbook.caps.perProspectPer7Days;
  if (recent.length >= cap) {
    const free = DateTime.fromMillis((recent[recent.length - cap] ?? nowDate.getTime()) + WEEK_MS, {
      zone: cal.tz,
    });
    return {
      kind: "defer",
      at: cal.nextWindowSlot(free, window),
      rule: "G3",
      reason: `${recent.length} emails in the last 7 days (cap ${cap}): deferred`,
    };
  }

  // G9: no earlier than the same local time `minGapBusinessDays` business days after the last email.
  const last = recent.at(-1);
  const gap = playbook.lateSteps.minGapBusinessDays;
  if (last !== undefined && gap > 0) {
    const free = nextAllowed(cal, last, gap);
    if (nowDate.getTime() < free)
      return {
        kind: "defer",
        at: cal.nextWindowSlot(DateTime.fromMillis(free, { zone: cal.tz }), window),
        rule: "G9",
        reason: `the last email went out ${new Date(last).toISOString()}, less than ${gap} business day(s) ago: deferred`,
      };
  }

  // G2: only inside the prospect's send window (a timer can fire late, or after a zone change).
  if (!cal.inWindow(now, window)) {
    return {
      kind: "defer",
      at: cal.nextWindowSlot(now, window),
      rule: "G2",
      reason: "outside the send window: deferred",
    };
  }
  return { kind: "send" };
}
