/**
 * Valid events with odd but legal content: any Unicode in free text, every IANA zone and zones no IANA
 * database knows (G2 falls back to the owner's or the team's, with a remark), dates from 1970
 * with any offset, unknown fields (deeply nested ones too), attributes DynamoDB can store, bodies right
 * at the 64 KiB limit. Each must be accepted and the prospect must read back: an accepted event that
 * left an unreadable record behind would break every later event for that prospect.
 */

import { RejectionReason } from "@redial/core";
import fc from "fast-check";
import { BODY_LIMIT, type Json, nested, printable, utf8Length } from "./model.ts";
import { dateTimeBetween, unknownZone, VALID_EMAILS, ZONES } from "./values.ts";

const NOW_MS = Date.parse("2026-11-20T12:00:00Z");
const EPOCH = Date.parse("1970-01-01T00:00:00Z");

/** Any well-formed Unicode text of at most `max` UTF-16 units (zod counts units). */
const text = (max: number, min = 0) =>
  fc
    .oneof(
      fc.string({ unit: "binary", minLength: min, maxLength: Math.min(max, 60) }),
      fc.string({ unit: "grapheme", minLength: min, maxLength: Math.min(max, 30) }),
    )
    .filter((value) => value.length >= min && value.length <= max);

/**
 * Reserved names (`constructor`, `__proto__`, `prototype`) are not valid attributes: CONTRACT.md "Bad
 * attributes on an opt-out" makes them a 422 (or, on an opt-out, dropped with a remark); the invalid
 * cases and the opt-out cases of events.arb.ts cover them.
 */
const RESERVED_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const notReserved = (key: string) => !RESERVED_KEYS.has(key);

const storableNumber = fc.oneof(
  fc.maxSafeInteger(),
  fc
    .double({ min: -1e15, max: 1e15, noNaN: true, noDefaultInfinity: true })
    .filter((n) => n === 0 || Math.abs(n) >= 1e-100),
);
const { value: storable } = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", maxDepth: 4 },
    text(100),
    storableNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(text(20, 1).filter(notReserved), tie("value"), { maxKeys: 4, noNullPrototype: true }),
  ),
}));

/** Mostly real zones; one in four unknown, which G2 accepts, remarks on and never stores. */
const zone = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ZONES) },
  { weight: 1, arbitrary: unknownZone },
);

const owner = fc.record(
  {
    id: text(200, 1),
    email: fc.constantFrom(...VALID_EMAILS),
    name: text(200),
    timezone: zone,
  },
  { requiredKeys: ["id"] },
);

const prospectId = fc.oneof(
  fc.string({ unit: "binary-ascii", minLength: 1, maxLength: 40 }),
  text(200, 1),
  fc.constantFrom("hubspot:51234", "a/b", "a?b#c", " ", "%41", "P#x", "x".repeat(200)),
);

const prospect = fc.record(
  {
    id: prospectId,
    email: fc.constantFrom(...VALID_EMAILS),
    firstName: text(200),
    lastName: text(200),
    company: text(300),
    title: text(300),
    phone: text(50),
    timezone: zone,
    tier: fc.constantFrom("A", "B", "C"),
    fitsProfile: fc.boolean(),
    owner,
    attributes: fc.dictionary(text(100, 1).filter(notReserved), storable, {
      maxKeys: 6,
      noNullPrototype: true,
    }),
  },
  { requiredKeys: ["id"] },
);

const instant = (to: number) => dateTimeBetween(EPOCH, to);
const calendarDate = fc
  .integer({ min: EPOCH, max: Date.parse("2999-12-31T00:00:00Z") })
  .map((ms) => new Date(ms).toISOString().slice(0, 10));

const typed = fc.oneof(
  fc.record({
    type: fc.constant("call.rejected"),
    reason: fc.constantFrom(...RejectionReason.options),
  }),
  fc.record(
    {
      type: fc.constant("call.stalled"),
      callbackAt: fc.oneof(calendarDate, instant(Date.parse("2999-12-31T00:00:00Z"))),
      callbackReason: text(2000, 1),
    },
    { requiredKeys: ["type", "callbackAt"] },
  ),
  fc.record({ type: fc.constant("call.no_answer"), voicemail: fc.boolean() }),
  fc.record({ type: fc.constant("prospect.disqualified"), reason: text(2000) }, { requiredKeys: ["type"] }),
  fc
    .constantFrom(
      "prospect.opted_out",
      "prospect.replied",
      "prospect.meeting_booked",
      "prospect.converted",
      "prospect.updated",
    )
    .map((type) => ({ type })),
);

/** Unknown fields, ignored by the contract: any JSON, or nesting thousands of levels deep. */
const unknown = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12 }).map((key) => `x_${key}`),
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
    fc.integer({ min: 100, max: 15_000 }).map((depth) => ({ deep: depth })),
  ),
  { maxKeys: 2, noNullPrototype: true },
);

export interface ValidCase {
  label: string;
  body: string;
  prospectId: string;
}

export const validCase: fc.Arbitrary<ValidCase> = fc
  .record({
    typed,
    occurredAt: instant(NOW_MS + 23 * 3_600_000),
    prospect,
    note: fc.option(text(2000), { nil: undefined }),
    unknown,
    padToLimit: fc.boolean(),
  })
  .map(({ typed, occurredAt, prospect, note, unknown, padToLimit }) => {
    const deep: string[] = [];
    const extras = Object.fromEntries(
      Object.entries(unknown).map(([key, value]) => {
        if (value && typeof value === "object" && "deep" in value && typeof value.deep === "number") {
          deep.push(nested(value.deep, "array"));
          return [key, `\u0000deep-${deep.length - 1}\u0000`];
        }
        return [key, value];
      }),
    );
    let body = JSON.stringify({
      ...extras,
      ...typed,
      occurredAt,
      prospect,
      ...(note === undefined ? {} : { note }),
    });
    deep.forEach((raw, i) => {
      body = body.replace(JSON.stringify(`\u0000deep-${i}\u0000`), () => raw);
    });
    if (padToLimit && utf8Length(body) < BODY_LIMIT - 20) {
      body = `${body.slice(0, -1)},"x_pad":"${"p".repeat(BODY_LIMIT - utf8Length(body) - ',"x_pad":""'.length)}"}`;
    }
    return printable({
      label: `${typed.type}${padToLimit ? " at the limit" : ""}`,
      body,
      prospectId: prospect.id,
    });
  })
  .filter(({ body }) => utf8Length(body) <= BODY_LIMIT);
