/**
 * What DynamoDB can store of the prospect an event carries, checked on the parsed JSON itself, before
 * the schema copies it, so an event that cannot be written is refused (or, for an opt-out, applied
 * without those parts: ingest/read-event.ts) instead of failing at commit.
 *
 * Checked on the raw value because the schema's copy hides one defect: zod leaves an own `__proto__`
 * key out of a record's output (assigning it would set the prototype), so it would vanish silently.
 */

/**
 * Names refused as keys of the prospect, its owner and its attributes at any depth. The document
 * client's marshaller takes a map with an own `constructor` for a class instance and throws at commit
 * (a 500, on every retry of the same body); `__proto__` and `prototype` are what a prototype-pollution
 * attempt looks like, and no CRM field is legitimately called that.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Attributes nest at most this many levels of maps and lists (the attributes map is the first).
 * DynamoDB allows 32 levels per item; the profile sits up to 7 levels down (a CRM notice on a timer),
 * and a CRM's custom fields nest a level or two.
 */
export const MAX_ATTRIBUTE_DEPTH = 16;
/** DynamoDB's smallest non-zero magnitude; above 2^53 - 1 the document client refuses to write a number. */
const MIN_MAGNITUDE = 1e-130;

export type Key = string | number;

export interface Unstorable {
  /** Where it is, as a reader is told: an empty name is reported at the map that holds it. */
  path: Key[];
  message: string;
  /** What to remove so the rest can be stored: the key or list item itself. */
  drop: Key[];
  /** The message in a few words, for a remark that names many. */
  reason: string;
}

const RESERVED = {
  message: "A reserved name (constructor, __proto__, prototype): DynamoDB cannot store it; rename it",
  reason: "a reserved name",
};
const NUMBER = {
  message: "A number DynamoDB cannot store exactly: use 0 or a magnitude from 1e-130 to 2^53 - 1",
  reason: "a number DynamoDB cannot store exactly",
};
const EMPTY = { message: "An attribute name must not be empty", reason: "an empty name" };
const DEEP = {
  message: `Nested more than ${MAX_ATTRIBUTE_DEPTH} levels deep`,
  reason: `nested more than ${MAX_ATTRIBUTE_DEPTH} levels deep`,
};

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Everything in `event.prospect` that cannot be stored: reserved names on the prospect
 * and its owner, and in the attributes reserved or empty names, numbers DynamoDB cannot keep exactly
 * and nesting past MAX_ATTRIBUTE_DEPTH. What is not an object is left to the schema. Iterative, and
 * nothing below a defect is looked at: a body may nest tens of thousands of levels.
 */
export function unstorable(event: unknown): Unstorable[] {
  const prospect = isMap(event) ? event.prospect : undefined;
  if (!isMap(prospect)) return [];
  const found: Unstorable[] = [];
  const reserved = (object: Record<string, unknown>, at: Key[]) => {
    for (const key of Object.keys(object))
      if (RESERVED_KEYS.has(key)) found.push({ path: [...at, key], drop: [...at, key], ...RESERVED });
  };
  reserved(prospect, ["prospect"]);
  if (isMap(prospect.owner)) reserved(prospect.owner, ["prospect", "owner"]);
  if (isMap(prospect.attributes)) attributes(prospect.attributes, found);
  return found;
}

function attributes(root: Record<string, unknown>, found: Unstorable[]) {
  const stack: Array<{ value: unknown; path: Key[]; depth: number }> = [
    { value: root, path: ["prospect", "attributes"], depth: 1 },
  ];
  while (stack.length) {
    const { value, path, depth } = stack.pop() as (typeof stack)[number];
    if (typeof value === "number") {
      const magnitude = Math.abs(value);
      if (magnitude > Number.MAX_SAFE_INTEGER || (magnitude > 0 && magnitude < MIN_MAGNITUDE))
        found.push({ path, drop: path, ...NUMBER });
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    if (depth > MAX_ATTRIBUTE_DEPTH) {
      found.push({ path, drop: path, ...DEEP });
      continue;
    }
    const entries: Array<readonly [Key, unknown]> = Array.isArray(value)
      ? value.map((item, i) => [i, item] as const)
      : Object.entries(value);
    const below: typeof stack = [];
    for (const [key, item] of entries) {
      if (key === "") found.push({ path, drop: [...path, key], ...EMPTY });
      else if (typeof key === "string" && RESERVED_KEYS.has(key))
        found.push({ path: [...path, key], drop: [...path, key], ...RESERVED });
      else below.push({ value: item, path: [...path, key], depth: depth + 1 });
    }
    // Reversed, so siblings come off the stack in body order.
    stack.push(...below.reverse());
  }
}

/**
 * `value` without the parts at `drops`, in place (it is a freshly parsed body). A list loses the item
 * and closes up, so later indices are removed first.
 */
export function dropParts<T>(value: T, drops: readonly Key[][]): T {
  const order = [...drops].sort(comparePaths).reverse();
  for (const path of order) {
    let parent: unknown = value;
    for (const key of path.slice(0, -1)) parent = (parent as Record<Key, unknown> | undefined)?.[key];
    const last = path.at(-1) as Key;
    if (Array.isArray(parent) && typeof last === "number") parent.splice(last, 1);
    else if (isMap(parent)) delete parent[last];
  }
  return value;
}

function comparePaths(a: readonly Key[], b: readonly Key[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i] as Key, b[i] as Key];
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}
