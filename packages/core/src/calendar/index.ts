export * from "./calendar.ts";
export * from "./holidays.ts";
export * from "./local-time.ts";
export * from "./place.ts";
export * from "./prospect-calendar.ts";
