/**
 * A prospect as Redial keeps it: profile, state, counters, pending timers and the call-queue entry.
 * Stored whole as one DynamoDB item (timeline entries are separate items), so every decision reads it
 * once and writes it once, guarded by `version`.
 */
import * as z from "zod";
import { Country, DateTime, Owner, Region, RejectionReason, Tier, TimeZone } from "./event.ts";

export const Status = z.enum([
  "new",
  "retrying",
  "nurturing",
  "recycling",
  "callback_scheduled",
  "queued",
  "engaged",
  "converted",
  "opted_out",
  "disqualified",
]);
export type Status = z.infer<typeof Status>;

/** No event moves a prospect out of these (G6: a stopped prospect is never resurrected). */
export const TERMINAL_STATUSES: readonly Status[] = ["converted", "opted_out", "disqualified"];
export const isTerminal = (status: Status) => TERMINAL_STATUSES.includes(status);

export const Profile = z.object({
  email: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  company: z.string().optional(),
  title: z.string().optional(),
  phone: z.string().optional(),
  timezone: TimeZone.optional(),
  country: Country.optional(),
  region: Region.optional(),
  tier: Tier,
  fitsProfile: z.boolean(),
  owner: Owner.optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
});
export type Profile = z.infer<typeof Profile>;

export const HalfDay = z.enum(["morning", "afternoon"]);
export type HalfDay = z.infer<typeof HalfDay>;

export const Window = z.object({ start: DateTime, end: DateTime }).describe("A UTC interval.");
export type Window = z.infer<typeof Window>;

export const TimerKind = z.enum(["email", "call", "recycle", "callback", "notify"]);
export type TimerKind = z.infer<typeof TimerKind>;

export const Outcome = z.object({
  type: z.string(),
  reason: z.string().optional(),
  note: z.string().optional(),
  at: DateTime,
  half: HalfDay.optional(),
});
export type Outcome = z.infer<typeof Outcome>;

export const Counters = z.object({
  /** Soft noes in the current cycle (R2, R3). */
  softNos: z.number().int(),
  /** Unanswered call attempts in the current cycle (R8). */
  noAnswers: z.number().int(),
  /** Stalls in a row, across cycles; any other outcome resets it (R7). */
  stallStreak: z.number().int(),
  /** Every call outcome and email, ever. */
  touches: z.number().int(),
});
export type Counters = z.infer<typeof Counters>;

/** What a rep sees when a prospect comes back (R12). */
export const QueueEntry = z.object({
  enteredAt: DateTime,
  dueAt: DateTime,
  ownerId: z.string(),
  /** `retry`: a call retry of the same cycle (R2, R8); `recycle`/`callback` start a new one (R12). */
  reason: z.enum(["recycle", "callback", "retry"]),
  cycle: z.number().int(),
  suggestedHalf: HalfDay,
  suggestedWindow: Window,
  lastOutcome: Outcome.optional(),
  touches: z.number().int(),
  prompts: z.array(z.string()),
  notes: z.array(z.string()),
});
export type QueueEntry = z.infer<typeof QueueEntry>;

// ——— Notifying the CRM (issue 4) ———

/** What an outbound webhook reports: the prospect entered the call queue (R12), by recycle or callback. */
export const NoticeType = z.enum(["prospect.recycled", "callback.due"]);
export type NoticeType = z.infer<typeof NoticeType>;

/**
 * One outbound webhook, kept on its `notify` timer. `data` is a snapshot taken when the prospect
 * entered the queue, so every retry sends the same body under the same `webhookId` (the receiver's
 * idempotency key) even after the rep has acted or the profile changed.
 */
export const Notice = z.object({
  type: NoticeType,
  webhookId: z.string(),
  /** 1 for the first try; the retry schedule is core's NOTIFY_RETRY_DELAYS_MS. */
  attempt: z.number().int().positive(),
  data: z.object({
    prospectId: z.string(),
    ownerId: z.string(),
    profile: Profile,
    entry: QueueEntry,
  }),
});
export type Notice = z.infer<typeof Notice>;

/** A pending action. DynamoDB holds the truth; a schedule only wakes the runner, which re-checks it. */
export const Timer = z.object({
  id: z.string(),
  kind: TimerKind,
  at: DateTime,
  rule: z.string().describe("The playbook rule that planned it (R2, R5, …)."),
  cycle: z.number().int(),
  sequence: z.string().optional(),
  step: z.number().int().optional(),
  template: z.string().optional(),
  half: HalfDay.optional(),
  window: Window.optional(),
  prompts: z.array(z.string()).optional(),
  /** Instant the delay was counted from, so a tier change (R13) can re-plan a recycle. */
  basis: DateTime.optional(),
  /**
   * On an email timer: the instant the playbook planned the step for, counted from the event and put in
   * its window, before a late import, a deferral or an outage moved `at` (G8 freshness, G9 spacing).
   * Timers stored before it existed have none: their `at` stands in for it.
   */
  plannedAt: DateTime.optional(),
  /** On a `notify` timer only: the CRM webhook to deliver (issue 4, see core/src/notify). */
  notice: Notice.optional(),
});
export type Timer = z.infer<typeof Timer>;

export const Prospect = z.object({
  id: z.string(),
  profile: Profile,
  status: Status,
  version: z.number().int().nonnegative(),
  cycle: z.number().int().positive(),
  counters: Counters,
  /** `occurredAt` of the newest applied event (G6). */
  lastEventAt: DateTime.optional(),
  lastOutcome: Outcome.optional(),
  /** Notes of the current cycle, newest last (at most 10 kept here; all are on the timeline). */
  notes: z.array(z.string()),
  timers: z.array(Timer),
  queue: QueueEntry.optional(),
  emailInvalid: z.boolean(),
  /** Send times of automated emails in the last 7 days, for the G3 cap. */
  recentEmails: z.array(DateTime),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type Prospect = z.infer<typeof Prospect>;

/** The five action types of CONTRACT.md. A callback the prospect asked for is a `call` with `purpose`. */
export const ActionType = z.enum(["email", "call", "recycle", "suppress", "cancel"]);
export const Action = z.object({
  type: ActionType,
  at: DateTime.describe("UTC"),
  local: z
    .string()
    .optional()
    .describe("The same instant with the prospect's UTC offset, e.g. 2027-01-05T08:00:00+01:00 (G2)."),
  zone: z
    .string()
    .optional()
    .describe("The IANA zone `local` is in: the prospect's, else the owner's, else the team's."),
  timerId: z.string().optional(),
  purpose: z.literal("callback").optional().describe("Set on a call the prospect asked for (R5–R7)."),
  sequence: z.string().optional(),
  step: z.number().int().optional(),
  template: z.string().optional(),
  half: HalfDay.optional(),
  window: Window.optional(),
  prompts: z.array(z.string()).optional(),
  email: z.string().optional(),
  timerIds: z.array(z.string()).optional(),
  detail: z.string().optional(),
  /** On an email's outcome: when the playbook planned it (G8, checked by I7). */
  plannedAt: DateTime.optional(),
});
export type Action = z.infer<typeof Action>;

export const TimelineEntry = z.object({
  at: DateTime.describe("When Redial recorded it (UTC)."),
  occurredAt: DateTime.optional(),
  kind: z.enum(["event", "decision", "error"]),
  type: z.string(),
  rule: z.string().optional(),
  applied: z.boolean(),
  reason: z.string().optional(),
  webhookId: z.string().optional(),
  version: z.number().int(),
  status: Status,
  note: z.string().optional(),
  /** What the guardrails changed in the plan and why (G1, G7, G8: a step skipped, with its times). */
  remarks: z.array(z.string()).optional(),
  actions: z.array(Action),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export { RejectionReason };
