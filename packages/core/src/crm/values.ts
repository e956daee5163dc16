/**
 * Reading a field out of whatever a CRM sends: dotted paths, HubSpot's `{ "value": … }` wrappers,
 * Pipedrive's `{ "id": … }` options and `[{ "value", "primary" }]` lists. Everything comes out as a
 * trimmed string (or nothing): the mapping compares strings, the canonical schema validates them.
 */
import { MAX_TEXT_LENGTH } from "../schemas/event.ts";

export type Row = Record<string, unknown>;

export const isRow = (value: unknown): value is Row =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The raw value at `path` (`custom_fields.abc`); a key containing dots is found whole first. */
export function read(row: Row | null | undefined, path: string): unknown {
  if (!row) return undefined;
  if (path in row) return row[path];
  let current: unknown = row;
  for (const key of path.split(".")) {
    if (!isRow(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** Whether `path` is present at all (a field set to null counts: it was changed to nothing). */
export function has(row: Row | null | undefined, path: string): boolean {
  if (!row) return false;
  if (path in row) return true;
  const keys = path.split(".");
  const last = keys.pop() as string;
  const parent = keys.length ? read(row, keys.join(".")) : row;
  return isRow(parent) && last in parent;
}

/** A field's value as text, or undefined for null, empty and shapes that hold no single value. */
export function text(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") return value.trim() || undefined;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    const primary = value.find((entry) => isRow(entry) && entry.primary === true) ?? value[0];
    return text(primary);
  }
  if (isRow(value)) {
    if ("value" in value) return text(value.value);
    if ("id" in value) return text(value.id);
  }
  return undefined;
}

export const textAt = (row: Row | null | undefined, path: string | undefined) =>
  path ? text(read(row, path)) : undefined;

/**
 * `2022-11-24 15:25:44` (Pipedrive v1, UTC) and ISO strings → ISO 8601 UTC. A date-time without an
 * offset is UTC too (as the CRMs mean it), not the reading machine's zone: an import planned on a
 * laptop and one sent to the API read the same instant.
 */
export function isoFromText(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const normalised = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)
    ? `${value.replace(" ", "T")}Z`
    : value;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(normalised)) return undefined;
  const ms = Date.parse(normalised);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

export function isoFromMillis(value: unknown): string | undefined {
  const ms = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : undefined;
}

/** Epoch milliseconds as text (HubSpot), or an ISO date-time, whichever it is. */
export function isoFromAny(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return /^\d{10,}$/.test(value) ? isoFromMillis(value) : isoFromText(value);
}

/**
 * A callback date: `2027-05-15` stays a date; epoch milliseconds at UTC midnight (how HubSpot sends
 * date properties) become that date; anything else with a time becomes an ISO date-time.
 */
export function callbackDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const iso = isoFromAny(value);
  if (!iso) return value; // left as given: the canonical schema names it
  return iso.endsWith("T00:00:00.000Z") && /^\d+$/.test(value) ? iso.slice(0, 10) : iso;
}

/** HubSpot stores zones as `america_slash_new_york`; the canonical event wants `America/New_York`. */
export function ianaZone(value: string | undefined): string | undefined {
  if (!value?.includes("_slash_")) return value;
  return value
    .split("_slash_")
    .map((part) =>
      part
        .split("_")
        .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
        .join("_"),
    )
    .join("/");
}

/**
 * The most of a note's HTML read: 32 times the text a note keeps (MAX_TEXT_LENGTH), room for the
 * markup of a note pasted from an email, and a bound on the work a webhook's note can ask for
 * (docs/decisions.md, "Pipedrive notes").
 */
export const MAX_NOTE_HTML = 32 * MAX_TEXT_LENGTH;

/** Pipedrive notes are HTML; the timeline wants the words. */
export function plainText(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const stripped = stripTags(capped(value).replace(/<br\s*\/?>|<\/p>/gi, "\n"))
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/[ \t]+/g, " ")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return stripped || undefined;
}

/** The first MAX_NOTE_HTML characters; a tag the cut splits would show as text, so it goes too. */
function capped(html: string): string {
  if (html.length <= MAX_NOTE_HTML) return html;
  const head = html.slice(0, MAX_NOTE_HTML);
  const open = head.lastIndexOf("<");
  return open > head.lastIndexOf(">") ? head.slice(0, open) : head;
}

/**
 * Drops every tag: from a `<` to the next `>`. A `<` with no `>` after it is text, and so is all
 * that follows it. One pass: the regex `/<[^>]*>/g` read on from every such `<` to the end of the
 * note, quadratic in a run of them (100,000 took seconds, past Pipedrive's 10 s).
 */
function stripTags(html: string): string {
  const lastClose = html.lastIndexOf(">");
  const parts: string[] = [];
  let from = 0;
  for (let open = html.indexOf("<"); open !== -1 && open < lastClose; open = html.indexOf("<", from)) {
    parts.push(html.slice(from, open));
    from = html.indexOf(">", open) + 1;
  }
  parts.push(html.slice(from));
  return parts.join("");
}
