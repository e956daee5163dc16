/**
 * The Log port as JSON lines: one object per line on stdout, which CloudWatch Logs Insights parses
 * without a pattern. Written straight to the stream, not console.log, so Lambda adds no text prefix.
 */
import type { Log } from "@redial/core";

type Level = "info" | "warn" | "error";

export function createLog(
  fields: Record<string, unknown> = {},
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Log {
  const emit = (level: Level, message: string, extra?: Record<string, unknown>) => {
    const entry = { level, message, time: new Date().toISOString(), ...fields, ...extra };
    write(stringify(entry));
  };
  return {
    info: (message, extra) => emit("info", message, extra),
    warn: (message, extra) => emit("warn", message, extra),
    error: (message, extra) => emit("error", message, extra),
  };
}

/** A log line must never throw: Errors keep their message and stack, BigInts become strings, and an
 * object met a second time (so any cycle) is written as "[repeated]". */
function stringify(entry: Record<string, unknown>): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(entry, (_key, value: unknown) => {
    if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
    if (typeof value === "bigint") return value.toString();
    if (typeof value === "object" && value !== null) {
      if (seen.has(value)) return "[repeated]";
      seen.add(value);
    }
    return value;
  });
}
