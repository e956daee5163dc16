/**
 * What every adapter produces from one delivery: for each CRM event or notification in it, the
 * canonical event to ingest under the CRM's own id, or why there is none. Building the event is
 * shared: the profile from the configured fields, the outcome from the configured values, and the
 * canonical schema as the last word (CONTRACT.md stays the one internal shape).
 */
import type * as z from "zod";
import type { FieldError } from "../errors.ts";
import { fieldErrors } from "../errors.ts";
import { InboundEvent, MAX_TEXT_LENGTH, OwnerInput, ProspectInput } from "../schemas/event.ts";
import type { CrmFields, CrmOutcome, CrmOwners, OutcomeMap } from "./config.ts";
import { callbackDate, ianaZone, isRow, type Row, read, text, textAt } from "./values.ts";

/** One item of a delivery. `id` is the idempotency key: `<source>:<the CRM's event id>`. */
export type Mapped =
  | { kind: "event"; id: string; event: InboundEvent; warnings: string[] }
  | { kind: "ignored"; id: string; reason: string }
  | { kind: "skipped"; id: string; reason: string; errors: FieldError[] };

export const ignored = (id: string, reason: string): Mapped => ({ kind: "ignored", id, reason });

export interface Matched {
  field: string;
  value: string;
  outcome: CrmOutcome;
}

/**
 * The first field of `outcomes`, in the order written, whose value in the record is mapped (trimmed,
 * case-insensitive). `counts` lets an adapter ignore fields this delivery did not change.
 */
export function matchOutcome(
  outcomes: OutcomeMap | undefined,
  valueAt: (field: string) => string | undefined,
  counts: (field: string, outcome: CrmOutcome) => boolean = () => true,
): Matched | undefined {
  for (const [field, values] of Object.entries(outcomes ?? {})) {
    const value = valueAt(field);
    if (value === undefined) continue;
    const wanted = value.toLowerCase();
    const hit = Object.entries(values).find(([key]) => key.trim().toLowerCase() === wanted);
    if (hit && counts(field, hit[1])) return { field, value, outcome: hit[1] };
  }
  return undefined;
}

/** The profile fields of `fields` (not note or callback), for "did this delivery change the profile". */
export const PROFILE_KEYS = [
  "email",
  "firstName",
  "lastName",
  "company",
  "title",
  "phone",
  "timezone",
  "country",
  "region",
  "tier",
  "fitsProfile",
  "owner",
] as const satisfies readonly (keyof CrmFields)[];

export interface Settings {
  fields: CrmFields;
  owners: CrmOwners;
}

/**
 * The prospect as the record describes it. A field the canonical schema refuses (a malformed email,
 * an unknown zone, a 400-character title) is left out with a warning rather than losing the event:
 * CRM data is typed by people.
 */
export function prospectFrom(
  id: string,
  rows: readonly Row[],
  settings: Settings,
): { prospect: ProspectInput; warnings: string[] } {
  const { fields } = settings;
  const warnings: string[] = [];
  const first = (path: string | undefined) => {
    for (const row of rows) {
      const value = textAt(row, path);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const candidate: Record<string, unknown> = {
    email: first(fields.email),
    firstName: first(fields.firstName),
    lastName: first(fields.lastName),
    company: first(fields.company),
    title: first(fields.title),
    phone: first(fields.phone),
    timezone: ianaZone(first(fields.timezone)),
    country: first(fields.country),
    region: first(fields.region),
    tier: first(fields.tier)?.toUpperCase(),
    fitsProfile: booleanOf(first(fields.fitsProfile)),
  };
  // Each field on its own, the owner's too: one the schema refuses (an owner's address that is not
  // ASCII) is left out with a warning, and the event (an opt-out, say) still applies.
  const prospect = { id, ...accepted(ProspectInput.shape, candidate, "", warnings) } as ProspectInput;
  const candidateOwner = ownerOf(rows, settings);
  const owner = candidateOwner && accepted(OwnerInput.shape, candidateOwner, "owner.", warnings);
  if (owner?.id !== undefined) prospect.owner = owner as OwnerInput;
  else if (fields.owner && first(fields.owner) !== undefined) warnings.push("owner left out: not an id");
  return { prospect, warnings };
}

/**
 * The fields of `candidate` that their schema in `shape` takes; each other one is left out with a
 * warning naming it (`prefix` and its key) and the schema's reason.
 */
function accepted(
  shape: Record<string, z.ZodType | undefined>,
  candidate: Record<string, unknown>,
  prefix: string,
  warnings: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(candidate)) {
    const schema = shape[key];
    if (value === undefined || !schema) continue;
    const parsed = schema.safeParse(value);
    if (parsed.success) out[key] = parsed.data;
    else
      warnings.push(`${prefix}${key} ${JSON.stringify(value)} left out: ${parsed.error.issues[0]?.message}`);
  }
  return out;
}

/** The CRM user behind `fields.owner`, through `owners` when the team mapped it; not yet checked. */
function ownerOf(rows: readonly Row[], { fields, owners }: Settings): Record<string, unknown> | undefined {
  if (!fields.owner) return undefined;
  for (const row of rows) {
    const raw = read(row, fields.owner);
    // A Pipedrive v1 user object's `value` is not always its id: take `id` first.
    const id = isRow(raw) && "id" in raw ? text(raw.id) : text(raw);
    if (id === undefined || id.length > 200) continue;
    const mapped = owners[id];
    if (mapped) return mapped;
    // Pipedrive v1 sends the user as an object with a name and an address: keep them.
    const extra = isRow(raw) ? raw : {};
    const email = typeof extra.email === "string" ? extra.email.trim() || undefined : undefined;
    const name = typeof extra.name === "string" ? extra.name.slice(0, 200) : undefined;
    return { id, email, name };
  }
  return undefined;
}

const booleanOf = (value: string | undefined) =>
  value === undefined
    ? undefined
    : /^(true|yes|1)$/i.test(value)
      ? true
      : /^(false|no|0)$/i.test(value)
        ? false
        : value;

/**
 * The canonical event for one CRM record, validated by the same schema as POST /v1/events. A record
 * the schema refuses (a stall without a date) is `skipped`, with the fields named.
 */
export function buildEvent(input: {
  id: string;
  prospectId: string;
  occurredAt: string;
  outcome: CrmOutcome | "prospect.updated";
  rows: readonly Row[];
  settings: Settings;
  /** A note already read (e.g. HTML turned into text); otherwise `fields.note` is read. */
  note?: string | undefined;
}): Mapped {
  const { id, rows, settings } = input;
  const { fields } = settings;
  const { prospect, warnings } = prospectFrom(input.prospectId, rows, settings);
  const first = (path: string | undefined) => {
    for (const row of rows) {
      const value = textAt(row, path);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  // A note or callback reason longer than the canonical event takes is cut, not refused.
  // A note already read stands even when it came out empty (HTML of markup alone): no raw field then.
  const note = ("note" in input ? input.note : first(fields.note))?.slice(0, MAX_TEXT_LENGTH);
  const outcome =
    input.outcome === "prospect.updated" ? { type: "prospect.updated" as const } : input.outcome;
  const candidate = {
    type: outcome.type,
    occurredAt: input.occurredAt,
    prospect,
    ...(note ? { note } : {}),
    ...("reason" in outcome && outcome.reason ? { reason: outcome.reason } : {}),
    ...(outcome.type === "call.no_answer"
      ? { voicemail: "voicemail" in outcome && outcome.voicemail === true }
      : {}),
    ...(outcome.type === "call.stalled"
      ? {
          callbackAt: callbackDate(first(fields.callbackAt)),
          ...(first(fields.callbackReason)
            ? { callbackReason: first(fields.callbackReason)?.slice(0, MAX_TEXT_LENGTH) }
            : {}),
        }
      : {}),
  };
  const parsed = InboundEvent.safeParse(candidate);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error);
    const hint =
      outcome.type === "call.stalled" && !candidate.callbackAt
        ? " (set fields.callbackAt to the field that holds the callback date)"
        : "";
    return { kind: "skipped", id, reason: `Not a valid ${outcome.type} event${hint}`, errors };
  }
  return { kind: "event", id, event: parsed.data, warnings };
}

/**
 * A CRM's own export (docs/import.md "CRM exports"): one record per row, the CRM's field names as
 * columns. `id`: the columns that can name the prospect, in order; the first the export has is the
 * one (a Task's WhoId, not its own Id). `date`: when the record says it happened, the first with a
 * date wins. `also`: other columns the adapter reads besides the configured fields and outcomes.
 */
export interface RecordColumns {
  id: readonly string[];
  date: readonly string[];
  also?: readonly string[];
}

/** A record the import cannot use; the reason says which column and what to do. */
export const unusable = (id: string, reason: string): Mapped => ({ kind: "skipped", id, reason, errors: [] });

/**
 * The prospect id (unprefixed) and occurredAt of an export's row, or why not. `row` has every column
 * of the export (an empty cell is ""), so a column's presence is the header's.
 */
export function recordKeys(
  row: Row,
  columns: RecordColumns,
  toIso: (value: string | undefined) => string | undefined,
): { idColumn: string; recordId: string; occurredAt: string } | { problem: string } {
  const idColumn = columns.id.find((column) => column in row);
  if (!idColumn) return { problem: `No id column: the export needs ${oneOf(columns.id)}` };
  const recordId = text(row[idColumn]);
  if (!recordId) return { problem: `No record id: ${idColumn} is empty` };
  const dates = columns.date.filter((column) => column in row);
  if (!dates.length) return { problem: `No date column: the export needs ${oneOf(columns.date)}` };
  let unreadable: string | undefined;
  for (const column of dates) {
    const value = text(row[column]);
    const iso = toIso(value);
    if (iso) return { idColumn, recordId, occurredAt: iso };
    if (value !== undefined)
      unreadable ??= `${column} ${JSON.stringify(value.slice(0, 40))} is not a date-time`;
  }
  return {
    problem: `No date: ${unreadable ?? `${dates.join(", ")} ${dates.length > 1 ? "are" : "is"} empty`}`,
  };
}

export const oneOf = (names: readonly string[]) =>
  names.length < 2 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;

/**
 * A record none of whose values is mapped: the import reports it, naming the mapped fields it has and
 * where the playbook maps them (`setting`, e.g. `crm.hubspot.outcomes`).
 */
export function noOutcome(
  id: string,
  setting: string,
  outcomes: OutcomeMap | undefined,
  valueAt: (field: string) => string | undefined,
): Mapped {
  const fields = Object.keys(outcomes ?? {});
  const values = fields.flatMap((field) => {
    const value = valueAt(field);
    return value === undefined ? [] : [`${field} ${JSON.stringify(value.slice(0, 60))}`];
  });
  const what = !fields.length
    ? `${setting} maps nothing`
    : values.length
      ? values.slice(0, 3).join(", ")
      : `${oneOf(fields)} ${fields.length > 1 ? "are all" : "is"} empty`;
  return ignored(id, `No mapped outcome (${what}): set ${setting}.<field>.<value> in the playbook`);
}
