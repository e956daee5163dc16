export * from "./calendar.ts";
export * from "./local-time.ts";
