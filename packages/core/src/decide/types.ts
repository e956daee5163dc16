import type { DateTime } from "luxon";
import type { Calendar } from "../calendar/calendar.ts";
import type { InboundEvent } from "../schemas/event.ts";
import type { Playbook } from "../schemas/playbook.ts";
import type { Action, Counters, Outcome, Prospect, QueueEntry, Status, Timer } from "../schemas/prospect.ts";

/** Events Redial raises itself: a timer came due, SES reported a bounce or complaint, an unsubscribe. */
export type InternalEvent =
  | { type: "timer.due"; occurredAt: string; timerId: string }
  | { type: "email.bounced"; occurredAt: string; email: string }
  | { type: "email.complained"; occurredAt: string; email: string }
  | { type: "email.unsubscribed"; occurredAt: string; email: string };

export type DecisionInput = InboundEvent | InternalEvent;

export const isInbound = (input: DecisionInput): input is InboundEvent => "prospect" in input;

export type RuleId =
  | "R0"
  | "R1"
  | "R2"
  | "R3"
  | "R4"
  | "R5"
  | "R6"
  | "R7"
  | "R8"
  | "R9"
  | "R10"
  | "R11"
  | "R12"
  | "R13";

/** A timer as a rule plans it; decide() gives it its id and passes it through the guardrails. */
export type PlannedTimer = Omit<Timer, "id" | "cycle">;

/** What a rule wants. decide() turns it into the next state and the actions (rules stay small). */
export interface Plan {
  rule: RuleId | "G6";
  applied?: boolean;
  reason?: string;
  status?: Status;
  /** Which pending timers to drop: all, only emails (R11), or none (R13 re-plans in place). */
  cancel: "all" | "email" | "none" | { ids: string[] };
  timers?: PlannedTimer[];
  counters?: Partial<Counters>;
  cycle?: number;
  queue?: QueueEntry | null;
  notes?: string[];
  emailInvalid?: boolean;
  suppress?: string[];
  remarks?: string[];
}

export interface RuleContext {
  /** The prospect before this event, with the event's profile fields merged in. */
  state: Prospect;
  /** The prospect exactly as stored before this event (null for a new one). */
  before: Prospect | null;
  input: DecisionInput;
  playbook: Playbook;
  cal: Calendar;
  now: DateTime;
  /** When the event happened (delays count from here), never later than now. */
  occurredAt: DateTime;
  suppressed: boolean;
}

export interface Decision {
  rule: RuleId | "G6";
  applied: boolean;
  reason?: string;
  next: Prospect;
  actions: Action[];
  timersAdded: Timer[];
  timersRemoved: Timer[];
  suppress: string[];
  remarks: string[];
  outcome?: Outcome;
}
