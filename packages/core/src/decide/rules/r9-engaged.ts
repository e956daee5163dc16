import type { Plan } from "../types.ts";

/** R9: the prospect replied or booked a meeting: every drip and timer stops, the rep takes over. */
export function engaged(): Plan {
  return { rule: "R9", status: "engaged", cancel: "all", queue: null };
}
