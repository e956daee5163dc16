/**
 * planImport(): an import file (issue 7) checked end to end before anything is written. Every row
 * becomes the canonical event it stands for, or an error naming its line; the valid rows are put in
 * the order they happened (occurredAt, then line), because the playbook counts a prospect's "no"s in
 * order and G6 would only record an older event that came second. The plan keeps offsets, not
 * events: the apply phase reads each row again from the bytes, so memory is the file plus ~30 bytes
 * a row.
 */
import { createHash } from "node:crypto";
import { type CrmSettings, defaultCrmSettings } from "../crm/config.ts";
import { CRM_PROSPECT_PREFIX, type CrmSource } from "../crm/index.ts";
import type { Mapped } from "../crm/map.ts";
import { RedialError } from "../errors.ts";
import { assertNotFuture } from "../ingest/ingest.ts";
import { readEvent } from "../ingest/read-event.ts";
import { parseJsonBody } from "../json-body.ts";
import type { InboundEvent } from "../schemas/event.ts";
import type { Playbook } from "../schemas/playbook.ts";
import { headerProblem, rowObject } from "./columns.ts";
import { crmHeader, crmRowEvent, isCrmExport } from "./crm.ts";
import { csvCells } from "./csv.ts";
import { type RecordSpan, recordSpans, recordText } from "./records.ts";

export type ImportFormat = "csv" | "ndjson";
export const IMPORT_FORMATS = ["csv", "ndjson"] as const;
export const IMPORT_SOURCES = Object.keys(CRM_PROSPECT_PREFIX) as CrmSource[];
/** The issue's size: a team's last few quarters of calls. Larger files are split by the sender. */
export const MAX_IMPORT_ROWS = 100_000;
/** 100,000 rows of ~600 bytes, with room; the file is held in memory while it is applied. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

export interface ImportOptions {
  format: ImportFormat;
  /** The CRM the rows come from: ids are given that CRM's prefix, so its webhooks find the same prospects. */
  source?: CrmSource | undefined;
  /**
   * The playbook's `crm:` section: with a source, a CSV whose header is not canonical is that CRM's
   * export, mapped by `crm.<source>` as its webhooks are (docs/import.md "CRM exports"). Without
   * it, the built-in mapping.
   */
  crm?: Playbook["crm"] | undefined;
  /** Business time: a row dated more than a day after it is refused, as POST /v1/events refuses one. */
  now: Date;
}

export interface RowError {
  line: number;
  reason: string;
}

/** A valid row: where it is in the file and when it happened (ms), for ordering. */
export interface PlannedRow extends RecordSpan {
  at: number;
}

export interface ImportPlan {
  /** Data rows in the file (the CSV header is not one). */
  rows: number;
  /** In the order they are applied: occurredAt, then line. */
  valid: PlannedRow[];
  /** By line. */
  invalid: RowError[];
  /** The CSV header (a CRM export's as the mapping reads it), or null for NDJSON. */
  header: string[] | null;
  /** SHA-256 of the file and the options that change what a row means: names a checkpoint. */
  digest: string;
}

/** One row's event and its idempotency key (and what reading it left out), or why it is not an event. */
export type ImportedRow =
  | { ok: true; event: InboundEvent; key: string; remarks?: string[] }
  | { ok: false; reason: string };

/** Refuses a whole file (too large, not the format, a bad header) before any row is looked at. */
export function planImport(bytes: Uint8Array, options: ImportOptions): ImportPlan {
  if (bytes.byteLength > MAX_IMPORT_BYTES)
    throw new RedialError("too_large", `An import is at most ${MAX_IMPORT_BYTES / 2 ** 20} MiB`);
  const spans = recordSpans(bytes, options.format === "csv");
  const header = options.format === "csv" ? readHeader(bytes, spans.next().value, options) : null;
  const valid: PlannedRow[] = [];
  const invalid: RowError[] = [];
  let rows = 0;
  for (const span of spans) {
    if (++rows > MAX_IMPORT_ROWS)
      throw new RedialError(
        "too_large",
        `An import is at most ${MAX_IMPORT_ROWS.toLocaleString("en")} rows; split the file`,
      );
    const row = readRow(bytes, span, header, options);
    if (row.ok) valid.push({ ...span, at: Date.parse(row.event.occurredAt) });
    else invalid.push({ line: span.line, reason: row.reason });
  }
  if (rows === 0) throw new RedialError("invalid", "The file has no rows");
  valid.sort((a, b) => a.at - b.at || a.line - b.line);
  const hash = createHash("sha256").update(`${options.format}\n${options.source ?? ""}\n`);
  // A CRM export's rows mean what the mapping says: another mapping is another plan.
  if (header && isCrmExport(header, options.source))
    hash.update(`crm\n${JSON.stringify(crmSettings(options)[options.source])}\n`);
  const digest = hash.update(bytes).digest("hex");
  return { rows, valid, invalid, header, digest };
}

function readHeader(bytes: Uint8Array, span: RecordSpan | undefined, options: ImportOptions): string[] {
  if (!span) throw new RedialError("invalid", "The file is empty: a CSV import starts with a header row");
  const text = recordText(bytes, span);
  const parsed = text === null ? null : csvCells(text);
  if (!parsed?.ok)
    throw new RedialError(
      "malformed",
      `Line ${span.line}: the header is not a CSV row${parsed ? `: ${parsed.reason}` : " (not UTF-8)"}`,
    );
  const header = parsed.cells.map((cell) => cell.trim());
  if (isCrmExport(header, options.source)) {
    const read = crmHeader(header, options.source, crmSettings(options));
    if ("problem" in read) throw new RedialError("invalid", `Line ${span.line}: ${read.problem}`);
    return read.header;
  }
  const problem = headerProblem(header);
  if (problem) throw new RedialError("invalid", `Line ${span.line}: ${problem}`);
  return header;
}

/** The row at `span` as its event, exactly as planImport saw it. */
export function readRow(
  bytes: Uint8Array,
  span: RecordSpan,
  header: readonly string[] | null,
  options: ImportOptions,
): ImportedRow {
  const text = recordText(bytes, span);
  if (text === null) return { ok: false, reason: "Not valid UTF-8" };
  let object: unknown;
  if (header) {
    const parsed = csvCells(text);
    if (!parsed.ok) return parsed;
    if (parsed.cells.length !== header.length)
      return { ok: false, reason: `${parsed.cells.length} fields; the header has ${header.length}` };
    if (isCrmExport(header, options.source))
      return crmImportedRow(crmRowEvent(header, parsed.cells, options.source, crmSettings(options)), options);
    object = rowObject(header, parsed.cells);
  } else {
    try {
      object = parseJsonBody(new TextEncoder().encode(text));
    } catch (error) {
      return { ok: false, reason: reasonOf(error).replace("The body", "The line") };
    }
  }
  const read = readEvent(withSourcePrefix(object, options.source));
  if (!read.ok) {
    const reasons = read.errors.map((error) => `${error.path || "row"}: ${error.message}`);
    return { ok: false, reason: reasons.slice(0, 5).join("; ") };
  }
  try {
    assertNotFuture(read.event, options.now);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  const remarks = read.remarks.length ? { remarks: read.remarks } : {};
  return { ok: true, event: read.event, key: importKey(read.event), ...remarks };
}

/** A CRM record's mapped event as an import row: checked against business time and keyed like any other. */
function crmImportedRow(mapped: Mapped, options: ImportOptions): ImportedRow {
  if (mapped.kind === "ignored") return { ok: false, reason: mapped.reason };
  if (mapped.kind === "skipped") {
    const fields = mapped.errors.slice(0, 5).map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
    return { ok: false, reason: fields.length ? `${mapped.reason}: ${fields.join("; ")}` : mapped.reason };
  }
  try {
    assertNotFuture(mapped.event, options.now);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  return { ok: true, event: mapped.event, key: importKey(mapped.event) };
}

let defaults: CrmSettings | undefined;
/** The mapping in force: the playbook's, else the built-in one (parsed once). */
function crmSettings(options: ImportOptions): CrmSettings {
  if (options.crm) return options.crm;
  defaults ??= defaultCrmSettings();
  return defaults;
}

/**
 * The idempotency key of an imported row: the event's own content, so the same row in a re-run, a
 * re-export in another order or a second file is applied once. Kept without expiry (unlike a webhook
 * receipt), because a re-run may come months later.
 */
export function importKey(event: InboundEvent): string {
  return `import:${createHash("sha256").update(JSON.stringify(event)).digest("hex").slice(0, 40)}`;
}

function withSourcePrefix(object: unknown, source: CrmSource | undefined): unknown {
  if (!source || !isRecord(object) || !isRecord(object.prospect)) return object;
  const { id } = object.prospect;
  const prefix = CRM_PROSPECT_PREFIX[source];
  if (typeof id !== "string" || id.startsWith(prefix)) return object;
  return { ...object, prospect: { ...object.prospect, id: `${prefix}${id}` } };
}

/** A RedialError's message with its field errors, on one line. */
function reasonOf(error: unknown): string {
  if (!(error instanceof RedialError) || error.errors.length === 0) return (error as Error).message;
  const fields = error.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
  return `${error.message.replace(/; see errors$/, "")}: ${fields.join("; ")}`;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
