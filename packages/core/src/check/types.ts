/**
 * The invariant checker's vocabulary (issue 6): what one prospect's slice of the table looks like once
 * read (a snapshot), and what a broken invariant says. The ids I1–I7 are grep-able in the code, the
 * tests and the output of `npx redial check`.
 */
import type { SendClaim } from "../ports.ts";
import type { Prospect, QueueEntry, Status, TimelineEntry, Timer } from "../schemas/prospect.ts";

export type InvariantId = "I1" | "I2" | "I3" | "I4" | "I5" | "I6" | "I7";

/** One line each, for reports and `--help`. */
export const INVARIANTS: Readonly<Record<InvariantId, string>> = {
  I1: "every prospect is terminal or has exactly the pending timers its state requires; no orphan or dangling index items",
  I2: "no email was sent to a suppressed address or a stopped prospect, or outside the send window (G1, G2)",
  // PLAYBOOK.md's G3 wording; the 2 is the playbook's caps.perProspectPer7Days.
  I3: "at most 2 automated emails per prospect per rolling 7 days (G3, caps.perProspectPer7Days)",
  I4: "no email was sent twice for one timer (one SES message per send claim)",
  I5: "every accepted webhook id (receipt) has its effect: the prospect exists and its timeline records the event",
  I6: "no two automated emails reached one prospect less than 1 business day apart (G9, lateSteps.minGapBusinessDays)",
  I7: "no moment-bound email went out more than 2 business days after its planned time (G8, lateSteps.freshForBusinessDays)",
};

export interface Violation {
  invariant: InvariantId;
  prospectId?: string;
  message: string;
}

export interface CheckReport {
  /** Prospects read (partitions with a profile item). */
  prospects: number;
  /** Items read, of every kind. */
  items: number;
  violations: Violation[];
}

/** A `TIMER#` index item as stored. `keyProblem` is set by the reader when its index keys are wrong. */
export interface IndexedTimer {
  id: string;
  timer: Timer;
  keyProblem?: string;
}

/** The live `QUEUE` item, or the kept `ENTERED#` history item of one cycle. */
export interface IndexedQueueEntry {
  entry: QueueEntry;
  keyProblem?: string;
}

/** What a receipt (`WH#<webhookId>`) says ingest answered. */
export interface ReceiptSummary {
  webhookId: string;
  prospectId: string;
  applied: boolean;
  state: Status | string;
  rule: string;
}

export interface SuppressionRecord {
  email: string;
  reason: string;
  /** When the address was first suppressed (business time). */
  at: string;
}

/**
 * Everything the table holds about one prospect. `prospect` is null when items name a prospect that
 * has no profile item (orphans, or receipts of a prospect that does not exist).
 */
export interface ProspectSnapshot {
  prospectId: string;
  prospect: Prospect | null;
  /** Oldest first (by version). */
  timeline: TimelineEntry[];
  timerItems: IndexedTimer[];
  queueItem: IndexedQueueEntry | null;
  entered: (IndexedQueueEntry & { cycle: number })[];
  claims: SendClaim[];
  receipts: ReceiptSummary[];
  /** The suppression of the profile's current address, if it is on the list. */
  suppression: SuppressionRecord | null;
  /** Items of the partition that could not be read as what their key says (parse errors, unknown keys). */
  unreadable: { sk: string; problem: string }[];
}

/** A snapshot with nothing in it but the id, for builders and the reader. */
export function emptySnapshot(prospectId: string): ProspectSnapshot {
  return {
    prospectId,
    prospect: null,
    timeline: [],
    timerItems: [],
    queueItem: null,
    entered: [],
    claims: [],
    receipts: [],
    suppression: null,
    unreadable: [],
  };
}
