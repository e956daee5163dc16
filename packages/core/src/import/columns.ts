/**
 * The columns of an import CSV: the canonical event's fields (CONTRACT.md) as dotted paths, taken from
 * the schema itself so a field added to the event is importable without a second list to keep in
 * step. `prospect.attributes.<name>` carries any custom field as text.
 */
import { InboundEvent, Owner, ProspectInput } from "../schemas/event.ts";

const ATTRIBUTES = "prospect.attributes.";

/** Every column a header may name, besides `prospect.attributes.<name>`. */
export const IMPORT_COLUMNS: readonly string[] = [
  ...new Set(InboundEvent.options.flatMap((option) => Object.keys(option.shape))),
]
  .filter((key) => key !== "prospect")
  .concat(
    Object.keys(ProspectInput.shape)
      .filter((key) => key !== "owner" && key !== "attributes")
      .map((key) => `prospect.${key}`),
    Object.keys(Owner.shape).map((key) => `prospect.owner.${key}`),
  );

/** A CSV cell is text; these columns hold booleans (true/false, yes/no, 1/0). */
const BOOLEAN_COLUMNS = new Set(["voicemail", "prospect.fitsProfile"]);
export const REQUIRED_COLUMNS = ["type", "occurredAt", "prospect.id"] as const;

const known = new Set(IMPORT_COLUMNS);

/** What is wrong with a header, or null: unknown or repeated columns, a required one missing. */
export function headerProblem(header: readonly string[]): string | null {
  const seen = new Set<string>();
  for (const column of header) {
    if (seen.has(column)) return `Column "${column}" appears twice`;
    seen.add(column);
    const attribute = column.startsWith(ATTRIBUTES) && column.length > ATTRIBUTES.length;
    if (!known.has(column) && !attribute)
      return `Unknown column "${column}"; the columns are ${IMPORT_COLUMNS.join(", ")} and prospect.attributes.<name>`;
  }
  const missing = REQUIRED_COLUMNS.filter((column) => !seen.has(column));
  return missing.length ? `Missing column${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}` : null;
}

const BOOLEANS: Record<string, boolean> = {
  true: true,
  yes: true,
  "1": true,
  false: false,
  no: false,
  "0": false,
};

/**
 * One CSV row as the event's JSON shape, for the schema to judge. An empty cell is an absent field;
 * a boolean column's text becomes a boolean when it reads as one (otherwise the schema says why not).
 */
export function rowObject(header: readonly string[], cells: readonly string[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  header.forEach((column, i) => {
    const text = cells[i]?.trim() ?? "";
    if (text === "") return;
    const value = BOOLEAN_COLUMNS.has(column) ? (BOOLEANS[text.toLowerCase()] ?? text) : text;
    setPath(
      object,
      column.startsWith(ATTRIBUTES)
        ? ["prospect", "attributes", column.slice(ATTRIBUTES.length)]
        : column.split("."),
      value,
    );
  });
  return object;
}

/** Defined, not assigned: an attribute named `__proto__` is a key like any other, not a prototype. */
function setPath(object: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at = object;
  for (const key of path.slice(0, -1)) {
    at[key] ??= {};
    at = at[key] as Record<string, unknown>;
  }
  Object.defineProperty(at, path[path.length - 1] as string, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
