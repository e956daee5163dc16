/**
 * The guardrails at send time (PLAYBOOK.md: "checked when an action runs, not only when it is
 * planned"). Pure: the prospect as just read, the timer, the playbook and `now`. Suppression is
 * checked again by the claim itself (Store.claimSend), at the last possible moment.
 */
import { DateTime } from "luxon";
import { prospectCalendar } from "../calendar/prospect-calendar.ts";
import { emailBlocker } from "../decide/guardrails/g1-email-allowed.ts";
import type { Playbook } from "../schemas/playbook.ts";
import type { Prospect, Timer } from "../schemas/prospect.ts";

const WEEK_MS = 7 * 86_400_000;

export type Verdict =
  | { kind: "send" }
  /** Not now: the send moves to `at` (G2 window, G3 cap), never dropped. */
  | { kind: "defer"; at: DateTime; rule: "G2" | "G3"; reason: string }
  /** Never: the email must not go out (G1, G7). */
  | { kind: "drop"; rule: "G1" | "G7"; reason: string };

export function sendVerdict(prospect: Prospect, timer: Timer, playbook: Playbook, nowDate: Date): Verdict {
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
