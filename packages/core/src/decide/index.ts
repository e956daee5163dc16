export { type DecideOptions, decide } from "./decide.ts";
export { mergeProfile, newProspect } from "./prospect.ts";
export { UNASSIGNED } from "./rules/r12-enter-queue.ts";
export type { Decision, DecisionInput, InternalEvent, Plan, RuleId } from "./types.ts";
