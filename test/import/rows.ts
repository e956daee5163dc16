/**
 * A seeded import file like a team's export of last year's calls: every event type, prospects called
 * one to five times, dates over the eleven months before `now`, and every 100th row invalid in one of
 * several ways (1 %), with the lines where they are, so a test can demand exactly those back.
 */
import { SOFT_NO_REASONS } from "@redial/core";
import { seeded } from "../soak/driver.ts";

export const IMPORT_NOW = new Date("2026-11-23T15:00:00Z");
const DAY_MS = 86_400_000;
export const HEADER =
  "type,occurredAt,reason,callbackAt,callbackReason,voicemail,note,prospect.id,prospect.email,prospect.firstName,prospect.company,prospect.timezone,prospect.tier,prospect.owner.id,prospect.owner.email";

/** Invalid rows, each with its mistake; the reason's start is what the report must say. */
const INVALID = [
  (at: string) => `call.rejected,${at},sort_of_busy,,,,,bad-1,,,,,,,`,
  () => "call.rejected,last tuesday,all_set,,,,,bad-2,,,,,,,",
  (at: string) => `call.rejected,${at},all_set,,,,,,,,,,,,`,
  (at: string) => `call.rejected,${at},all_set,,,,,bad-4,not-an-email,,,,,,`,
  () => "call.rejected,2027-06-01T10:00:00Z,all_set,,,,,bad-5,,,,,,,",
  (at: string) => `call.rejected,${at},all_set`,
  (at: string) => `call.stalled,${at},,,,,,bad-7,,,,,,,`,
  (at: string) => `call.no_answer,${at},,,,perhaps,,bad-8,,,,,,,`,
];

export interface ImportFile {
  text: string;
  rows: number;
  /** Lines (1-based, the header is line 1) of the invalid rows. */
  invalidLines: number[];
}

export function importFile(rows: number, seed = 7): ImportFile {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const lines = [HEADER];
  const invalidLines: number[] = [];
  /** The physical line the next row starts on: a quoted note may hold a line break. */
  let line = 2;
  const push = (row: string) => {
    lines.push(row);
    const start = line;
    line += 1 + (row.match(/\n/g)?.length ?? 0);
    return start;
  };
  const prospects = Math.max(1, Math.round(rows / 3));
  const from = IMPORT_NOW.getTime() - 330 * DAY_MS;
  for (let i = 0; i < rows; i++) {
    const at = new Date(from + Math.floor(random() * 329 * DAY_MS)).toISOString();
    if ((i + 1) % 100 === 0) {
      invalidLines.push(push(pick(INVALID)(at)));
      continue;
    }
    const p = Math.floor(random() * prospects);
    const profile = [
      `p${p}`,
      `p${p}@prospect.example`,
      pick(["Dana", "Lee", "Ana", "José"]),
      `"Company ${p}, Inc."`,
      pick(["America/New_York", "Europe/Berlin", "Asia/Tokyo", ""]),
      pick(["A", "B", "B", "C"]),
      `rep-${p % 7}`,
      `rep${p % 7}@acme.example`,
    ].join(",");
    const r = random();
    const event =
      r < 0.5
        ? `call.rejected,${at},${pick(SOFT_NO_REASONS)},,,,`
        : r < 0.62
          ? `call.no_answer,${at},,,,${pick(["true", "false"])},`
          : r < 0.72
            ? `call.stalled,${at},,${new Date(Date.parse(at) + (20 + Math.floor(random() * 200)) * DAY_MS).toISOString().slice(0, 10)},${pick(["budget cycle", ""])},,`
            : r < 0.77
              ? `call.rejected,${at},hostile,,,,"said ""never call again"""`
              : r < 0.8
                ? `prospect.opted_out,${at},,,,,`
                : r < 0.85
                  ? `prospect.replied,${at},,,,,`
                  : r < 0.88
                    ? `prospect.disqualified,${at},,,,,too small`
                    : r < 0.9
                      ? `prospect.meeting_booked,${at},,,,,`
                      : `prospect.updated,${at},,,,,"title changed,
and a line break in the note"`;
    push(`${event},${profile}`);
  }
  return { text: `${lines.join("\r\n")}\r\n`, rows, invalidLines };
}
