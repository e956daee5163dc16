/**
 * Invalid deliveries to POST /v1/events. Every body is signed correctly unless the case is about the
 * headers, so it gets past the signature and reaches parsing and validation. Each case carries the
 * statuses its defects allow (413 past 64 KiB, 400 for bytes that are not JSON text, 422 for JSON that
 * is not an event, 401 for a bad signature, 415 for a wrong content type).
 */

import { INBOUND_EVENT_TYPES, RejectionReason } from "@redial/core";
import fc from "fast-check";
import {
  type ApiCase,
  BASE_EVENTS,
  BODY_LIMIT,
  type Change,
  eventText,
  hasLoneSurrogate,
  type Json,
  nested,
  printable,
  type Signing,
  utf8Length,
} from "./model.ts";
import {
  badDate,
  badDateTime,
  badEmail,
  dateTimeBetween,
  farFutureDateTime,
  farPastDateTime,
  loneSurrogate,
  tooLong,
  wrongType,
} from "./values.ts";

const JSON_TYPE = { "content-type": "application/json" };
// From the schema itself, so a new type or reason cannot be fuzzed as "invalid" by mistake.
const REJECTION_REASONS: string[] = [...RejectionReason.options];
const TYPES: string[] = [...INBOUND_EVENT_TYPES];

type Kind =
  | { string: { min?: number; max: number } }
  | "type"
  | "email"
  | "zone"
  | "occurredAt"
  | "callbackAt"
  | { oneOf: readonly string[] }
  | "boolean"
  | "object"
  | "attributes";

interface Field {
  path: string[];
  kind: Kind;
  required?: boolean;
  /** The event types that have this field; all when absent. */
  on?: readonly string[];
  /** Bad values particular to this field. */
  bad?: readonly Json[];
}

/** Every field of the canonical event (CONTRACT.md), with its kind. */
const FIELDS: readonly Field[] = [
  { path: ["type"], kind: "type", required: true },
  { path: ["occurredAt"], kind: "occurredAt", required: true },
  { path: ["prospect"], kind: "object", required: true },
  // "." and "..": a URL path resolves them away, so GET /v1/prospects/{id} could not name them.
  { path: ["prospect", "id"], kind: { string: { min: 1, max: 200 } }, required: true, bad: [".", ".."] },
  { path: ["prospect", "email"], kind: "email" },
  { path: ["prospect", "firstName"], kind: { string: { max: 200 } } },
  { path: ["prospect", "lastName"], kind: { string: { max: 200 } } },
  { path: ["prospect", "company"], kind: { string: { max: 300 } } },
  { path: ["prospect", "title"], kind: { string: { max: 300 } } },
  { path: ["prospect", "phone"], kind: { string: { max: 50 } } },
  { path: ["prospect", "timezone"], kind: "zone" },
  { path: ["prospect", "tier"], kind: { oneOf: ["A", "B", "C"] } },
  { path: ["prospect", "fitsProfile"], kind: "boolean" },
  { path: ["prospect", "owner"], kind: "object" },
  { path: ["prospect", "owner", "id"], kind: { string: { min: 1, max: 200 } }, required: true },
  { path: ["prospect", "owner", "email"], kind: "email" },
  { path: ["prospect", "owner", "name"], kind: { string: { max: 200 } } },
  { path: ["prospect", "owner", "timezone"], kind: "zone" },
  { path: ["prospect", "attributes"], kind: "attributes" },
  { path: ["note"], kind: { string: { max: 2000 } } },
  { path: ["reason"], kind: { oneOf: REJECTION_REASONS }, required: true, on: ["call.rejected"] },
  { path: ["reason"], kind: { string: { max: 2000 } }, on: ["prospect.disqualified"] },
  { path: ["callbackAt"], kind: "callbackAt", required: true, on: ["call.stalled"] },
  { path: ["callbackReason"], kind: { string: { min: 1, max: 2000 } }, on: ["call.stalled"] },
  { path: ["voicemail"], kind: "boolean", required: true, on: ["call.no_answer"] },
];
const KNOWN_KEYS = new Set(FIELDS.map((field) => field.path.at(-1)));

function nestingShape() {
  return fc.constantFrom("array", "object", "mixed") as fc.Arbitrary<"array" | "object" | "mixed">;
}

/** The harness's business time (harness.ts NOW); an event more than a day after it is refused. */
const NOW_MS = Date.parse("2026-11-20T12:00:00Z");

/** Attribute values DynamoDB cannot store: names too long or empty, nesting too deep, numbers it cannot keep. */
const unstorableAttributes: fc.Arbitrary<Json | { raw: string }> = fc.oneof(
  tooLong(100, 300).map((key) => ({ [key]: 1 })),
  fc.constant({ "": "empty key" }),
  fc.constant({ outer: { "": 1 } }),
  fc.integer({ min: 17, max: 5000 }).map((depth) => ({ raw: `{"deep":${nested(depth, "object")}}` })),
  fc.integer({ min: 17, max: 20_000 }).map((depth) => ({ raw: `{"deep":${nested(depth, "array")}}` })),
  fc
    .constantFrom(1e300, -1e300, 2 ** 53, -(2 ** 60), 1e-200, -5e-324, 1.2345678901234568e29)
    .map((n) => ({ employees: n })),
  fc.constantFrom(1e-131, 1e21).map((n) => ({ nested: { list: [1, n] } })),
);

/**
 * Names the profile may not use at any depth: the document client refuses a map with an own
 * `constructor` (it was a 500 at commit), and zod silently left `__proto__` out.
 */
const RESERVED = ["constructor", "__proto__", "prototype"];
const reservedValue: fc.Arbitrary<Json> = fc.oneof(
  fc.integer(),
  fc.string({ maxLength: 8 }),
  fc.constant(null),
  fc.constant({}),
  fc.constant({ admin: true }),
  fc.constant([1] as Json),
);
const reservedMember = fc
  .tuple(fc.constantFrom(...RESERVED), reservedValue)
  .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`);
/** Raw text, so `__proto__` reaches the body as a key: a reserved name at depth 0–20 of the attributes. */
const reservedAttribute: fc.Arbitrary<{ raw: string }> = fc
  .tuple(reservedMember, fc.nat(20), nestingShape(), fc.boolean())
  .map(([member, depth, shape, sibling]) => {
    const inner = `{${sibling ? '"stage":"lead",' : ""}${member}}`;
    return { raw: `{"industry":"logistics","custom":${nested(depth, shape).replace("1", () => inner)}}` };
  });

/**
 * What DynamoDB cannot store in the profile: bad attributes, or a reserved name in the attributes, on
 * the prospect or on its owner. Any of them is a 422, except on an opt-out (R0), which is applied
 * without them (optOutCase).
 */
const unstorable: fc.Arbitrary<Change> = fc.oneof(
  {
    weight: 3,
    arbitrary: unstorableAttributes.map((value) => ({ path: ["prospect", "attributes"], value })),
  },
  { weight: 3, arbitrary: reservedAttribute.map((value) => ({ path: ["prospect", "attributes"], value })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...RESERVED), reservedValue)
      .map(([key, value]) => ({ path: ["prospect", key], value })),
  },
  {
    weight: 1,
    arbitrary: reservedMember.map((member) => ({
      path: ["prospect", "owner"],
      value: { raw: `{"id":"rep-7",${member}}` },
    })),
  },
);

/** A value that no event may have at a field of this kind. */
function badValue(kind: Kind): fc.Arbitrary<Json | { raw: string }> {
  if (typeof kind === "object" && "string" in kind) {
    const { min, max } = kind.string;
    return fc.oneof(wrongType("string"), tooLong(max), ...(min ? [fc.constant("")] : []));
  }
  if (typeof kind === "object") {
    return fc.oneof(
      wrongType("string"),
      fc.string({ maxLength: 20 }).filter((value) => !kind.oneOf.includes(value)),
      // Near misses: padded, lower-cased (the enums are either all upper or all lower case), plural.
      fc
        .tuple(fc.constantFrom(...kind.oneOf), fc.constantFrom(" %", "lower", "%s"))
        .map(([value, how]) => (how === "lower" ? value.toLowerCase() : how.replace("%", value)))
        .filter((value) => !kind.oneOf.includes(value)),
    );
  }
  switch (kind) {
    case "type":
      return fc.oneof(
        wrongType("string"),
        fc.constantFrom(
          "call.Rejected",
          "CALL.REJECTED",
          "call_rejected",
          "call.rejected ",
          "call",
          "timer.due",
          "email.bounced",
          "email.unsubscribed",
          "",
        ),
        fc.string({ maxLength: 30 }).filter((type) => !TYPES.includes(type)),
      );
    case "email":
      return fc.oneof(wrongType("string"), badEmail);
    case "zone":
      // An unknown zone is not a defect (G2 falls back, valid.arb.ts); one that is not short text is.
      return fc.oneof(wrongType("string"), tooLong(64, 200));
    case "occurredAt":
      return fc.oneof(
        wrongType("string"),
        badDateTime,
        farPastDateTime,
        farFutureDateTime,
        // After the business clock by more than a day: a wrong field, not a fast clock.
        dateTimeBetween(NOW_MS + 25 * 3_600_000, Date.parse("2999-12-31T00:00:00Z")),
      );
    case "callbackAt":
      return fc.oneof(wrongType("string"), badDateTime, badDate, farPastDateTime, farFutureDateTime);
    case "boolean":
      return fc.oneof(wrongType("boolean"), fc.constantFrom("true", "false", 0, 1, "yes"));
    case "object":
    case "attributes":
      // Not a map; what a map of attributes cannot store is `unstorable`.
      return wrongType("object");
  }
}

const baseIndex = fc.nat(BASE_EVENTS.length - 1);
const typeOf = (base: number) => (BASE_EVENTS[base] as { type: string }).type;
const fieldsOf = (type: string) => FIELDS.filter((field) => !field.on || field.on.includes(type));

/** R0's events (core's isOptOut): applied even with unstorable attributes, so those are no defect there. */
const isOptOutEvent = (event: Record<string, unknown>) =>
  event.type === "prospect.opted_out" ||
  (event.type === "call.rejected" && event.reason === "do_not_contact");

/**
 * One defect for an event of `type`: a bad value, a missing required field, a type lacking its fields,
 * or (unless the base is an opt-out) something DynamoDB cannot store.
 */
function defect(type: string, base: number): fc.Arbitrary<Change> {
  const fields = fieldsOf(type);
  const event = BASE_EVENTS[base] as Record<string, unknown>;
  const swaps = [
    ...(event.callbackAt === undefined ? ["call.stalled"] : []),
    ...(event.voicemail === undefined ? ["call.no_answer"] : []),
    ...(REJECTION_REASONS.includes(String(event.reason)) ? [] : ["call.rejected"]),
  ];
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .constantFrom(...fields)
        .chain((field) =>
          fc
            .oneof(badValue(field.kind), ...(field.bad ? [fc.constantFrom(...field.bad)] : []))
            .map((value) => ({ path: field.path, value })),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(...fields.filter((f) => f.required))
        .map((field) => ({ path: field.path, delete: true as const })),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(...fields.filter((f) => f.kind !== "attributes"))
        .chain((field) => loneSurrogate.map((value) => ({ path: field.path, value }))),
    },
    ...(swaps.length
      ? [{ weight: 1, arbitrary: fc.constantFrom(...swaps).map((value) => ({ path: ["type"], value })) }]
      : []),
    ...(isOptOutEvent(event) ? [] : [{ weight: 2, arbitrary: unstorable }]),
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...fields), fc.integer({ min: 100, max: 30_000 }), nestingShape())
        .map(([field, depth, shape]) => ({ path: field.path, value: { raw: nested(depth, shape) } })),
    },
  );
}

const extraKey = fc
  .oneof(fc.string({ minLength: 1, maxLength: 20 }), loneSurrogate)
  .filter((key) => !KNOWN_KEYS.has(key) && !RESERVED.includes(key));
/** An unknown field (ignored by the contract) somewhere in the event: noise around a defect. */
const extra: fc.Arbitrary<Change> = fc
  .record({
    at: fc.constantFrom([], ["prospect"]),
    key: extraKey,
    value: fc.oneof(
      fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
      loneSurrogate,
      fc.integer({ min: 10, max: 10_000 }).map((depth) => ({ raw: nested(depth, "array") })),
    ),
  })
  .map(({ at, key, value }) => ({ path: [...at, key], value }));

/** What a body whose parsing is reached must get: 413 past the limit, 400 for lone surrogates, else 422. */
function schemaExpectation(text: string): number[] {
  if (utf8Length(text) > BODY_LIMIT) return [413];
  return hasLoneSurrogate(JSON.parse(text) as Json) ? [400] : [422];
}

const eventCase = (
  label: string,
  body: string | Uint8Array,
  expect: number[],
  signing: Signing = { kind: "valid" },
): ApiCase =>
  printable({
    label,
    method: "POST",
    path: "/v1/events",
    headers: { ...JSON_TYPE },
    signing,
    body,
    expect,
    format: "problem",
  });

/** Canonical events with 1–3 defects and 0–2 unknown fields: wrong types, missing fields, bad values. */
export const schemaCase: fc.Arbitrary<ApiCase> = baseIndex.chain((base) =>
  fc
    .tuple(
      fc.array(defect(typeOf(base), base), { minLength: 1, maxLength: 3 }),
      fc.array(extra, { maxLength: 2 }),
    )
    .map(([defects, extras]) => {
      const text = eventText(BASE_EVENTS[base] as Json, [...extras, ...defects]);
      return eventCase(
        `schema: base ${base} ${JSON.stringify(defects.map((d) => d.path.join(".")))}`,
        text,
        schemaExpectation(text),
      );
    }),
);

const compact = (base: number) => JSON.stringify(BASE_EVENTS[base]);
const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};
const NOT_JSON = [
  "",
  " ",
  "\n\t\r ",
  "a=1&b=2",
  "<event type='call.rejected'/>",
  "type: call.rejected\nprospect:\n  id: p-1\n",
  "{'type': 'call.rejected'}",
  "{type: 'call.rejected'}",
  '{"type": "call.rejected",}',
  "[1,]",
  "NaN",
  "Infinity",
  "-Infinity",
  "undefined",
  '{"a": 01}',
  "0x10",
  '{"a":1}/* comment */',
  '// comment\n{"a":1}',
  '"unterminated',
  '{"a":"tab\there"}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '{"a" 1}',
  "{,}",
  "\u0000",
  "{}{}",
].filter((text) => !parses(text));

/** Bytes that are not one JSON text: truncated, trailing garbage, not JSON at all, empty, a BOM. */
const malformedText: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(baseIndex, fc.double({ min: 0, max: 1, noNaN: true })).map(([base, at]): [string, string] => {
    const text = compact(base);
    return [`truncated ${base}`, text.slice(0, Math.min(text.length - 1, Math.floor(at * text.length)))];
  }),
  fc
    .tuple(
      baseIndex,
      fc.oneof(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.constantFrom("}", ",", "]", "x", "{}", "\u0000", " garbage", "\n{}"),
      ),
    )
    .map(([base, tail]): [string, string] => ["trailing garbage", `${compact(base)}${tail}`])
    .filter(([, text]) => !parses(text)),
  fc.constantFrom(...NOT_JSON).map((text): [string, string] => ["not JSON", text]),
  fc
    .string({ unit: "binary", maxLength: 200 })
    .filter((text) => !parses(text))
    .map((text): [string, string] => ["random text", text]),
  fc
    .tuple(baseIndex, fc.integer({ min: 1, max: 3 }))
    .map(([base, boms]): [string, string] => ["BOM", `${"\ufeff".repeat(boms)}${compact(base)}`]),
  fc.integer({ min: 1, max: 20_000 }).chain((depth) =>
    fc.integer({ min: 1, max: depth }).map((cut): [string, string] => {
      const text = nested(depth, "array");
      return ["unbalanced nesting", text.slice(0, text.length - cut)];
    }),
  ),
);

const BAD_UTF8: readonly number[][] = [
  [0xff],
  [0xfe, 0xff],
  [0x80],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xc3],
];

/** Raw bytes that are not UTF-8: a bad sequence spliced into a signed event, or the event in UTF-16. */
const badBytes: fc.Arbitrary<[string, Uint8Array]> = fc.oneof(
  fc
    .tuple(baseIndex, fc.constantFrom(...BAD_UTF8), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([base, bad, at]): [string, Uint8Array] => {
      const bytes = Buffer.from(compact(base), "utf8");
      const cut = Math.floor(at * bytes.length);
      return [
        `invalid UTF-8 ${Buffer.from(bad).toString("hex")} at ${cut}`,
        Buffer.concat([bytes.subarray(0, cut), Buffer.from(bad), bytes.subarray(cut)]),
      ];
    }),
  fc
    .tuple(baseIndex, fc.boolean())
    .map(([base, bom]): [string, Uint8Array] => [
      "UTF-16LE",
      Buffer.concat([Buffer.from(bom ? [0xff, 0xfe] : []), Buffer.from(compact(base), "utf16le")]),
    ]),
);

/** Malformed bodies, signed: 400, or 413 when they pass the limit. */
export const malformedCase: fc.Arbitrary<ApiCase> = fc.oneof(
  {
    weight: 4,
    arbitrary: malformedText.map(([label, text]) =>
      eventCase(label, text, utf8Length(text) > BODY_LIMIT ? [413] : [400]),
    ),
  },
  {
    weight: 1,
    arbitrary: badBytes.map(([label, bytes]) =>
      eventCase(label, bytes, bytes.byteLength > BODY_LIMIT ? [413] : [400]),
    ),
  },
);

/** Past 64 KiB, up to ~1 MB: a long note, unknown padding to just over the limit, deep nesting, garbage. */
export const hugeCase: fc.Arbitrary<ApiCase> = fc.oneof(
  fc
    .tuple(
      baseIndex,
      fc
        .tuple(fc.integer({ min: BODY_LIMIT + 1, max: 1_000_000 }), fc.constantFrom("x", "é", "😀"))
        .map(([bytes, char]) => char.repeat(Math.ceil(bytes / Buffer.byteLength(char)))),
    )
    .map(([base, note]) =>
      eventCase("huge note", eventText(BASE_EVENTS[base] as Json, [{ path: ["note"], value: note }]), [413]),
    ),
  fc.tuple(baseIndex, fc.integer({ min: 1, max: 16 })).map(([base, over]) => {
    const text = compact(base);
    const padding = BODY_LIMIT + over - utf8Length(text) - ',"padding":""'.length;
    const padded = `${text.slice(0, -1)},"padding":"${"p".repeat(padding)}"}`;
    return eventCase(`${over} byte(s) over the limit`, padded, [413]);
  }),
  fc
    .integer({ min: 32_769, max: 500_000 })
    .map((depth) => eventCase(`nesting ${depth} deep`, nested(depth, "array"), [413])),
  fc
    .integer({ min: BODY_LIMIT + 1, max: 1_000_000 })
    .map((size) => eventCase("huge garbage", "\u0000".repeat(size), [413])),
);

const CONTENT_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/jsonx",
  "application/json-seq",
  "application/problem+json",
  "application/vnd.api+json",
  "application/ json",
  "application/json, text/plain",
  "json",
  "*/*",
];

/** Header tampering on an otherwise valid (or invalid) body: 401, or 415 for the content type. */
const signing: fc.Arbitrary<Signing> = fc.oneof(
  fc
    .constantFrom("webhook-id", "webhook-timestamp", "webhook-signature")
    .map((header): Signing => ({ kind: "omit", header })),
  fc
    .constantFrom("", "v1,", "v1,AAAA", "v1,not base64!", "v2,AAAA", "v1a,AAAA")
    .map((value): Signing => ({ kind: "signature", value })),
  fc.constantFrom("wrong-secret").map((): Signing => ({ kind: "wrong-secret" })),
  baseIndex.map((base): Signing => ({ kind: "other-body", body: `${compact(base)} ` })),
  fc.nat(32 * 8 - 1).map((at): Signing => ({ kind: "flip-bit", at })),
  fc
    .oneof(fc.integer({ min: 301, max: 2_000_000_000 }), fc.integer({ min: -2_000_000_000, max: -301 }))
    .map((seconds): Signing => ({ kind: "timestamp-offset", seconds })),
  fc
    .oneof(
      fc.constantFrom("abc", "1e9", "12.5", "0x10", "-5", "now"),
      fc.string({ unit: "binary-ascii", minLength: 1, maxLength: 20 }),
    )
    .filter((value) => !/^\s*\d+\s*$/.test(value) && /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(value))
    .map((value): Signing => ({ kind: "timestamp-raw", value })),
  fc
    .string({ unit: "binary-ascii", minLength: 1, maxLength: 40 })
    .filter((sent) => /^[\x21-\x7e]+$/.test(sent))
    .map((sent): Signing => ({ kind: "id-changed", sent })),
  fc
    .oneof(
      tooLong(256, 300).map((id) => id.replace(/[^\x21-\x7e]/g, "x")),
      fc.constantFrom("msg 1", "msg\t1", "msg_é", "ümlaut"),
    )
    .map((value): Signing => ({ kind: "id-raw", value })),
);

export const headerCase: fc.Arbitrary<ApiCase> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(baseIndex, signing)
      .map(([base, how]) => eventCase(`signing: ${how.kind}`, compact(base), [401], how)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        baseIndex,
        fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }),
        fc.option(signing, { nil: undefined }),
      )
      .map(([base, type, how]) => {
        const headers: Record<string, string> = type === undefined ? {} : { "content-type": type };
        return printable({
          ...eventCase(`content-type ${type ?? "missing"}`, compact(base), how ? [415, 401] : [415], how),
          headers,
        });
      }),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(schemaCase, signing).map(([c, how]) =>
      printable({
        ...c,
        label: `${c.label}, signing: ${how.kind}`,
        signing: how,
        expect: [...c.expect.filter((s) => s === 413), 401],
      }),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(malformedCase, signing).map(([c, how]) =>
      printable({
        ...c,
        label: `${c.label}, signing: ${how.kind}`,
        signing: how,
        expect: [...c.expect.filter((s) => s === 413), 401],
      }),
    ),
  },
);

export interface OptOutCase {
  label: string;
  body: string;
  prospectId: string;
}

const OPT_OUT_BASES = BASE_EVENTS.flatMap((event, i) => (isOptOutEvent(event) ? [i] : []));

/**
 * An opt-out (R0) whose only defects are what DynamoDB cannot store: applied all the same, without
 * them (CONTRACT.md "Bad attributes on an opt-out"), so it is checked as accepted, not refused.
 */
export const optOutCase: fc.Arbitrary<OptOutCase> = fc
  .tuple(fc.constantFrom(...OPT_OUT_BASES), fc.array(unstorable, { minLength: 1, maxLength: 3 }))
  .map(([base, defects]) => {
    const event = BASE_EVENTS[base] as { prospect: { id: string } } & Json;
    return printable({
      label: `opt-out: base ${base} ${JSON.stringify(defects.map((d) => d.path.join(".")))}`,
      body: eventText(event, defects),
      prospectId: event.prospect.id,
    });
  })
  .filter(({ body }) => utf8Length(body) <= BODY_LIMIT);

export const events = { schema: schemaCase, malformed: malformedCase, huge: hugeCase, headers: headerCase };
