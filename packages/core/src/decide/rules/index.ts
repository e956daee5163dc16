/** Which rule a situation falls under. Order matters: an opt-out beats everything (R0), fit comes next (R1). */
import type { Status } from "../../schemas/prospect.ts";
import { isTerminal } from "../../schemas/prospect.ts";
import { type DecisionInput, isInbound, type Plan, type RuleContext } from "../types.ts";
import { optOut } from "./r0-opt-out.ts";
import { disqualify } from "./r1-disqualified.ts";
import { firstSoftNo } from "./r2-first-soft-no.ts";
import { secondSoftNo } from "./r3-second-soft-no.ts";
import { hostile } from "./r4-hostile.ts";
import { stalled } from "./r5-r7-stall.ts";
import { noAnswer } from "./r8-no-answer.ts";
import { engaged } from "./r9-engaged.ts";
import { converted } from "./r10-converted.ts";
import { bounced } from "./r11-bounce.ts";
import { callDue, enterQueue } from "./r12-enter-queue.ts";
import { updated } from "./r13-updated.ts";

type OptOut =
  | Extract<DecisionInput, { type: "prospect.opted_out" | "email.complained" | "email.unsubscribed" }>
  | (Extract<DecisionInput, { type: "call.rejected" }> & { reason: "do_not_contact" });

/** R0's events: an explicit "never contact me", whichever way it came. */
export const isOptOut = (input: DecisionInput): input is OptOut =>
  input.type === "prospect.opted_out" ||
  (input.type === "call.rejected" && input.reason === "do_not_contact") ||
  input.type === "email.complained" ||
  input.type === "email.unsubscribed";

export function chooseRule(ctx: RuleContext): Plan {
  const { input, state } = ctx;
  if (isOptOut(input)) return optOut(ctx);
  if (input.type === "email.bounced") return bounced(ctx, input.email);
  if (isTerminal(state.status)) return stopped(state.status);
  if (input.type === "prospect.disqualified" || (isInbound(input) && !state.profile.fitsProfile))
    return disqualify();

  switch (input.type) {
    case "call.rejected": {
      if (input.reason === "hostile") return hostile(ctx);
      const softNos = state.counters.softNos + 1;
      return softNos >= 2 ? secondSoftNo(ctx, softNos) : firstSoftNo(ctx, softNos);
    }
    case "call.stalled":
      return stalled(ctx, input, state.counters.stallStreak + 1);
    case "call.no_answer":
      return noAnswer(ctx, input.voicemail, state.counters.noAnswers + 1);
    case "prospect.replied":
    case "prospect.meeting_booked":
      return engaged();
    case "prospect.converted":
      return converted();
    case "prospect.updated":
      return updated(ctx);
    case "timer.due": {
      const timer = state.timers.find((t) => t.id === input.timerId);
      if (!timer)
        return {
          rule: "R12",
          applied: false,
          reason: `Timer ${input.timerId} is no longer pending (stale)`,
          cancel: "none",
        };
      if (timer.kind === "recycle" || timer.kind === "callback") return enterQueue(ctx, timer);
      if (timer.kind === "call") return callDue(ctx, timer);
      return {
        rule: timer.rule as Plan["rule"],
        applied: false,
        reason: `A due ${timer.kind} timer is run by the timer runner`,
        cancel: "none",
      };
    }
  }
}

/** The rule that stopped a prospect for good; later events are recorded and change nothing. */
function stopped(status: Status): Plan {
  const rule = status === "opted_out" ? "R0" : status === "disqualified" ? "R1" : "R10";
  return {
    rule,
    applied: false,
    reason: `The prospect is ${status} for good (${rule}): recorded, not applied`,
    cancel: "none",
  };
}
