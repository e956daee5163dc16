/**
 * runEmailTimer(): one email timer came due. At most once (ARCHITECTURE.md): read → guardrails at
 * send time → claim (a conditional write that also re-checks suppression, the prospect's version and
 * the sender's cap) → send → record the MessageId with the prospect's new state. Three DynamoDB
 * requests per email. A crash after the claim leaves a claim with no MessageId: the next run records
 * "unknown" and never sends again. A throttled provider defers the send; it is never dropped.
 */
import { DateTime } from "luxon";
import { toUtcIso } from "../calendar/calendar.ts";
import { prospectCalendar } from "../calendar/prospect-calendar.ts";
import { respaceFollowers } from "../decide/guardrails/g9-spacing.ts";
import { RedialError } from "../errors.ts";
import type { IngestDeps } from "../ingest/ingest.ts";
import type { Mailer, OutgoingEmail, SendRecord } from "../ports.ts";
import { StoreConflict } from "../ports.ts";
import type { Playbook } from "../schemas/playbook.ts";
import type { Prospect, Timer } from "../schemas/prospect.ts";
import { afterSend, type SendOutcome } from "./outcome.ts";
import { sendVerdict } from "./verdict.ts";

/** What the timer runner needs: ingest's ports (the CRM notifier included), plus the mailer. */
export interface SendDeps extends IngestDeps {
  mailer: Mailer;
  /** Renders the email of one timer (templates, footer, headers); throws RedialError("invalid") for G5. */
  compose: (prospect: Prospect, timer: Timer) => OutgoingEmail;
}

export type EmailRun =
  | { result: "stale" }
  /** Claimed by another run moments ago (it may be sending now); that run records the outcome. */
  | { result: "in_flight" }
  | { result: SendOutcome["kind"]; timeline: string; messageId?: string };

const MAX_ATTEMPTS = 10;
/**
 * A claim younger than this may belong to a run that is sending right now; older, its run is gone
 * (the SES call times out well before) and the send is recorded as "unknown".
 */
const IN_FLIGHT_MS = 5 * 60_000;
/** A throttled or capped send waits at least this long before its next try. */
const RETRY_AFTER_MS = 15 * 60_000;

export async function runEmailTimer(
  key: { prospectId: string; timerId: string },
  deps: SendDeps,
): Promise<EmailRun> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const { prospect, claim } = await deps.store.loadSend(key);
    const timer = prospect?.timers.find((t) => t.id === key.timerId && t.kind === "email");
    if (!prospect || !timer) {
      deps.log.info("email.stale", key);
      return { result: "stale" };
    }
    const now = deps.clock.now();
    if (claim && now.getTime() - Date.parse(claim.claimedAt) < IN_FLIGHT_MS) {
      // Another run claimed it moments ago and may be sending right now: it records the outcome.
      deps.log.info("email.in_flight", key);
      return { result: "in_flight" };
    }
    try {
      const tried = claim
        ? { outcome: { kind: "unknown" } as const, claimed: false }
        : await attemptSend(prospect, timer, now, deps);
      if (!tried) {
        deps.log.info("email.in_flight", key);
        return { result: "in_flight" };
      }
      return await record(prospect, timer, tried, now, deps);
    } catch (error) {
      // Only a claim refused for the prospect's version gets here: nothing was sent; look again.
      if (error instanceof StoreConflict && error.reason === "version") continue;
      throw error;
    }
  }
  throw new RedialError("conflict", `Email timer ${key.timerId} of ${key.prospectId} kept conflicting`);
}

interface Attempt {
  outcome: SendOutcome;
  /** Whether this attempt wrote the claim (a deferral after it must release it). */
  claimed: boolean;
}

/** The attempt's outcome, or null when another run holds the claim. */
async function attemptSend(
  prospect: Prospect,
  timer: Timer,
  now: Date,
  deps: SendDeps,
): Promise<Attempt | null> {
  const unclaimed = (outcome: SendOutcome): Attempt => ({ outcome, claimed: false });
  const verdict = sendVerdict(prospect, timer, deps.playbook, now);
  if (verdict.kind === "drop")
    return unclaimed({ kind: "dropped", rule: verdict.rule, reason: verdict.reason });
  if (verdict.kind === "defer") {
    return unclaimed({
      kind: "deferred",
      at: toUtcIso(verdict.at),
      rule: verdict.rule,
      reason: verdict.reason,
    });
  }

  let email: OutgoingEmail;
  try {
    email = deps.compose(prospect, timer);
  } catch (error) {
    if (!(error instanceof RedialError)) throw error;
    return unclaimed({
      kind: "held",
      at: laterSlot(prospect, timer, now, deps.playbook, 86_400_000),
      reason: error.message,
    });
  }

  const senderId = prospect.profile.owner?.id ?? "unassigned";
  const claimed = await deps.store.claimSend({
    prospectId: prospect.id,
    timerId: timer.id,
    version: prospect.version,
    email: email.to,
    senderId,
    day: now.toISOString().slice(0, 10),
    senderCap: deps.playbook.caps.perSenderPer24Hours,
    at: now,
  });
  if (claimed === "version") throw new StoreConflict("version");
  if (claimed === "taken") return null; // another run won the claim a moment ago: it sends and records
  if (claimed === "suppressed")
    return unclaimed({ kind: "dropped", rule: "G1", reason: "the address is suppressed (G1)" });
  if (claimed === "sender_cap") {
    return unclaimed({
      kind: "deferred",
      at: laterSlot(prospect, timer, now, deps.playbook, RETRY_AFTER_MS * 4),
      rule: "G3",
      reason: `${senderId} reached ${deps.playbook.caps.perSenderPer24Hours} emails today: deferred`,
    });
  }

  try {
    const { messageId } = await deps.mailer.send(email);
    return { outcome: { kind: "sent", messageId }, claimed: true };
  } catch (error) {
    if (error instanceof RedialError && error.kind === "unavailable") {
      // Throttled or over quota: the provider said no, so nothing went out and the claim is released
      // with the deferral. The later try sends once.
      const at = laterSlot(prospect, timer, now, deps.playbook, RETRY_AFTER_MS);
      return {
        outcome: {
          kind: "deferred",
          at,
          rule: "G3",
          reason: `provider busy, retried later: ${error.message}`,
        },
        claimed: true,
      };
    }
    if (error instanceof RedialError && error.kind === "invalid")
      return { outcome: { kind: "failed", reason: error.message }, claimed: true };
    throw error; // an unknown failure after the claim: the next run records "unknown", never re-sends
  }
}

/**
 * Records an attempt's outcome with the prospect's new state. The outcome is a fact by now (an email
 * went out, or the provider refused), so a CRM event that moved the prospect meanwhile does not
 * change it: on a version conflict, the same outcome is applied to the prospect as it is now.
 */
async function record(
  loaded: Prospect,
  timer: Timer,
  { outcome, claimed }: Attempt,
  now: Date,
  deps: SendDeps,
): Promise<EmailRun> {
  const senderId = loaded.profile.owner?.id ?? "unassigned";
  const sent: SendRecord | undefined =
    outcome.kind === "sent"
      ? { timerId: timer.id, messageId: outcome.messageId, senderId, day: now.toISOString().slice(0, 10) }
      : undefined;
  let prospect = loaded;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const change = afterSend(
      prospect,
      timer,
      outcome,
      now,
      respaced(prospect, timer, outcome, deps.playbook),
    );
    try {
      await deps.store.commit({
        expectedVersion: prospect.version,
        prospect: change.next,
        timeline: change.timeline,
        timersAdded: change.timersAdded,
        timersRemoved: change.timersRemoved,
        suppress: [],
        now,
        ...(sent ? { sent } : {}),
        ...(claimed && outcome.kind === "deferred" ? { releaseClaim: timer.id } : {}),
      });
      try {
        if (change.timersAdded.length) await deps.timers.schedule(prospect.id, change.timersAdded);
      } catch (error) {
        deps.log.warn("timers.sync_failed", { prospectId: prospect.id, error: (error as Error).message });
      }
      deps.log.info(change.timeline.type, {
        prospectId: prospect.id,
        timerId: timer.id,
        reason: change.timeline.reason,
      });
      return {
        result: outcome.kind,
        timeline: change.timeline.type,
        ...(sent ? { messageId: sent.messageId } : {}),
      };
    } catch (error) {
      if (!(error instanceof StoreConflict && error.reason === "version")) throw error;
      const fresh = (await deps.store.loadSend({ prospectId: prospect.id, timerId: timer.id })).prospect;
      if (!fresh)
        throw new RedialError("not_found", `Prospect ${prospect.id} vanished while recording an email`);
      prospect = fresh;
    }
  }
  throw new RedialError("conflict", `Could not record email timer ${timer.id} of ${loaded.id}`);
}

/** G9: a deferred or held step moves the later steps of its drip too, so they keep their spacing. */
function respaced(prospect: Prospect, timer: Timer, outcome: SendOutcome, playbook: Playbook): Timer[] {
  if (outcome.kind !== "deferred" && outcome.kind !== "held") return [];
  const cal = prospectCalendar(prospect.profile, playbook);
  const reslot = (t: Timer, earliest: DateTime) => cal.nextWindowSlot(earliest, windowFor(t, playbook));
  return respaceFollowers(cal, prospect.timers, { ...timer, at: outcome.at }, reslot);
}

const windowFor = (timer: Timer, playbook: Playbook) =>
  playbook.sequences[timer.sequence ?? ""]?.window === "preferred"
    ? playbook.preferredWindow
    : playbook.sendWindow;

/** The first slot of the timer's window at least `delayMs` from now (a retry, never a drop). */
function laterSlot(prospect: Prospect, timer: Timer, now: Date, playbook: Playbook, delayMs: number): string {
  const cal = prospectCalendar(prospect.profile, playbook);
  const window =
    playbook.sequences[timer.sequence ?? ""]?.window === "preferred"
      ? playbook.preferredWindow
      : playbook.sendWindow;
  return toUtcIso(cal.nextWindowSlot(DateTime.fromMillis(now.getTime() + delayMs, { zone: cal.tz }), window));
}
