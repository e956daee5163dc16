import type { Plan } from "../types.ts";

/** R10: a customer now. Everything stops, for good. */
export function converted(): Plan {
  return { rule: "R10", status: "converted", cancel: "all", queue: null };
}
