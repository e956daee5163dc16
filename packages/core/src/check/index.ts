export { checkAll, checkProspect, countByInvariant } from "./check.ts";
export { PENDING_BY_STATUS } from "./i1-timers.ts";
export { allSends, EMAIL_OUTCOMES, type Send } from "./sends.ts";
export * from "./types.ts";
