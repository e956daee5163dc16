/**
 * One row of the weekly recycled-lead export, in the columns of CONTRACT.md, from what the queue
 * entry recorded when the prospect came back (R12). Pure: the CSV writer is the caller's.
 */
import type { QueueItem } from "../ports.ts";

export const EXPORT_COLUMNS = [
  "prospect_id",
  "owner_id",
  "owner_email",
  "first_name",
  "last_name",
  "company",
  "title",
  "email",
  "phone",
  "timezone",
  "tier",
  "entered_queue_at",
  "due_at",
  "suggested_window",
  "last_outcome",
  "last_reason",
  "cycle",
  "touches",
  "prompts",
  "note",
] as const;
export type ExportColumn = (typeof EXPORT_COLUMNS)[number];

/**
 * CSV injection (OWASP): a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or
 * carriage return, which some apps strip first) as a formula. Such a cell gets a leading `'`, which
 * spreadsheets show as text and hide. The cost: a phone number written `+1 312…` reads `'+1 312…` in
 * a plain-text viewer; the team's own data never runs as a formula on a rep's machine.
 */
export function neutralizeFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** Several prompts in one cell, in the order the rules added them. */
const PROMPT_SEPARATOR = "; ";

export function exportRow({ prospectId, profile, entry }: QueueItem): string[] {
  const cells: Record<ExportColumn, string> = {
    prospect_id: prospectId,
    owner_id: entry.ownerId,
    owner_email: profile.owner?.email ?? "",
    first_name: profile.firstName ?? "",
    last_name: profile.lastName ?? "",
    company: profile.company ?? "",
    title: profile.title ?? "",
    email: profile.email ?? "",
    phone: profile.phone ?? "",
    timezone: profile.timezone ?? "",
    tier: profile.tier,
    entered_queue_at: entry.enteredAt,
    due_at: entry.dueAt,
    // An ISO 8601 interval in UTC: exact in every zone; the rep's CRM shows it in local time.
    suggested_window: `${entry.suggestedWindow.start}/${entry.suggestedWindow.end}`,
    last_outcome: entry.lastOutcome?.type ?? "",
    last_reason: entry.lastOutcome?.reason ?? "",
    cycle: String(entry.cycle),
    touches: String(entry.touches),
    prompts: entry.prompts.join(PROMPT_SEPARATOR),
    // The notes of the cycle that just ended, newest last, one per line (RFC 4180 quotes the cell).
    note: entry.notes.join("\n"),
  };
  return EXPORT_COLUMNS.map((column) => neutralizeFormula(cells[column]));
}
