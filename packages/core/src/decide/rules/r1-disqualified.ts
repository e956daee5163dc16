import type { Plan } from "../types.ts";

/** R1: a prospect that does not fit the profile is dropped for good: no drip, no recycle. */
export function disqualify(): Plan {
  return { rule: "R1", status: "disqualified", cancel: "all", queue: null };
}
