/**
 * Bad values by kind of field: wrong JSON types, strings past their limit, impossible and out-of-range
 * dates, unknown time zones, addresses that are not addresses, lone surrogates. Lists are filtered
 * through an oracle when they are built, so every value is wrong for the field it is aimed at.
 */
import fc from "fast-check";
import * as z from "zod";
import type { Json } from "./model.ts";

type JsonType = "string" | "number" | "boolean" | "object" | "array" | "null";
const typeOf = (value: Json): JsonType =>
  value === null ? "null" : Array.isArray(value) ? "array" : (typeof value as JsonType);

const anyJson: fc.Arbitrary<Json> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 12 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>, {
    maxKeys: 3,
  }),
);

/** Any JSON value whose type is not `type`. */
export const wrongType = (type: JsonType) => anyJson.filter((value) => typeOf(value) !== type);

/** A string with one lone surrogate (high or low half) somewhere in it. */
export const loneSurrogate = fc
  .tuple(fc.string({ maxLength: 10 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 10 }))
  .map(([before, half, after]) => `${before}${String.fromCharCode(half)}${after}`);

/** A string of more than `max` code points (what zod counts), up to `max + extra`, some multi-byte. */
export const tooLong = (max: number, extra = 5000) =>
  fc
    .tuple(fc.integer({ min: max + 1, max: max + extra }), fc.constantFrom("x", "é", "€", "😀", " "))
    .map(([length, codePoint]) => codePoint.repeat(length));

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const iso = (y: number, mo: number, d: number, h: number, mi: number, s: number, offset: string) =>
  `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${offset}`;

const DATE_TIME = z.iso.datetime({ offset: true });
const DATE = z.iso.date();
const isDateOrDateTime = (text: string) => DATE_TIME.safeParse(text).success || DATE.safeParse(text).success;

const KNOWN_BAD_DATES = [
  "",
  "now",
  "yesterday",
  "16/11/2026",
  "11/16/2026 10:00",
  "2026-11-16 10:00:00Z",
  "2026-11-16T10:00:00",
  "2026-11-16T10:00",
  "2026-11-16T10:00Z",
  "2026-11-16t10:00:00z",
  "20261116T100000Z",
  "2026-W47-1T10:00:00Z",
  "2026-320T10:00:00Z",
  "+002026-11-16T10:00:00Z",
  "-002026-11-16T10:00:00Z",
  "2026-11-16T10:00:00+0530",
  "2026-11-16T10:00:00+05",
  "2026-11-16T10:00:00+24:00",
  "2026-11-16T10:00:00-25:00",
  "2026-11-16T10:00:00+14:60",
  "2026-11-16T10:00:00 Z",
  "2026-11-16T10:00:00ZZ",
  "2026-11-16T10:00:00.Z",
  "2026-11-16T10:00:00,5Z",
  "2026-11-16T10:00:00Z[America/New_York]",
  " 2026-11-16T10:00:00Z",
  "2026-11-16T10:00:00Z ",
  "Mon, 16 Nov 2026 10:00:00 GMT",
  "1731769200",
  "2026-02-30",
  "2027-02-29",
  "2026-04-31",
  "2026-13-01",
  "2026-00-10",
  "2026-1-5",
].filter((text) => !isDateOrDateTime(text));

/** Well-formed-looking date-times that name no instant: Feb 30, month 13, 24:00, 23:60, 23:59:60. */
const impossibleDateTime = fc
  .record({
    y: fc.integer({ min: 1970, max: 2999 }),
    part: fc.constantFrom("feb", "short-month", "month", "day", "hour", "minute", "second"),
    n: fc.nat(20),
    offset: fc.constantFrom("Z", "+00:00", "-05:00", "+05:30", "+14:00", "-12:00"),
  })
  .map(({ y, part, n, offset }) => {
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    switch (part) {
      case "feb":
        return iso(y, 2, (leap ? 30 : 29) + (n % 3), 10, 0, 0, offset);
      case "short-month":
        return iso(y, [4, 6, 9, 11][n % 4] as number, 31, 10, 0, 0, offset);
      case "month":
        return iso(y, n % 2 ? 0 : 13 + n, 10, 10, 0, 0, offset);
      case "day":
        return iso(y, 1 + (n % 12), n % 2 ? 0 : 32 + n, 10, 0, 0, offset);
      case "hour":
        return iso(y, 6, 15, 24 + n, 0, 0, offset);
      case "minute":
        return iso(y, 6, 15, 10, 60 + n, 0, offset);
      default:
        return iso(y, 6, 15, 10, 0, 60 + n, offset);
    }
  });

const instantIso = (ms: number, offsetMinutes: number) => {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${local}${offsetMinutes === 0 ? "Z" : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`}`;
};
const offsetMinutes = fc.integer({ min: -12 * 60, max: 14 * 60 }).map((m) => m - (m % 15));

/** A valid date-time string at an instant between `from` and `to` (ms), in some offset. */
export const dateTimeBetween = (from: number, to: number) =>
  fc
    .tuple(fc.integer({ min: from, max: to }), offsetMinutes)
    .map(([ms, offset]) => instantIso(ms, offset))
    .filter((text) => DATE_TIME.safeParse(text).success);

/** Before 1970, down to year 0000 (with an offset that puts the instant before year 0 in UTC). */
export const farPastDateTime = fc.oneof(
  dateTimeBetween(Date.parse("0000-01-02T00:00:00Z"), Date.parse("1969-12-31T12:00:00Z")),
  fc.constantFrom("0000-01-01T00:00:00+14:00", "0000-01-01T00:00:00Z", "1969-12-31T23:59:59Z"),
);
/** Year 3000 and later, up to 9999-12-31 in the westernmost offset (year 10000 in UTC). */
export const farFutureDateTime = fc.oneof(
  fc.integer({ min: 3000, max: 9999 }).map((y) => `${y}-06-15T10:00:00Z`),
  fc.constantFrom("9999-12-31T23:59:59-12:00", "9999-12-31T23:59:59Z", "3000-01-01T00:00:00Z"),
);

/** Date-time strings an ISO parser must refuse, wrong types and lone surrogates aside. */
export const badDateTime = fc.oneof(
  fc.constantFrom(...KNOWN_BAD_DATES),
  impossibleDateTime,
  fc.string({ maxLength: 30 }).filter((text) => !isDateOrDateTime(text)),
);

/** Date-only strings that are not dates, or out of range. */
export const badDate = fc.oneof(
  impossibleDateTime.map((text) => text.slice(0, 10)).filter((text) => !DATE.safeParse(text).success),
  fc.constantFrom(
    "2026-02-30",
    "2026-13-01",
    "26-11-16",
    "2026/11/16",
    "2026-11",
    "0000-01-01",
    "1969-12-31",
    "3000-01-01",
    "9999-12-31",
  ),
);

export const isZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};
/**
 * Zone names no IANA database knows, all at most 64 characters. Not a defect (CONTRACT.md "Where the
 * prospect is"): an event carrying one is accepted, G2 falls back and says so, and the profile never
 * stores it. Only a zone that is not text or is longer than 64 characters is refused (events.arb.ts).
 */
const KNOWN_UNKNOWN_ZONES = [
  "Mars/Olympus_Mons",
  "America/New York",
  "America/NewYork",
  "America/New_York/Manhattan",
  "UTC+5",
  "GMT+5:30",
  "+05:00",
  "-0800",
  "Z",
  "Local",
  "Europe/",
  "/",
  "Etc/GMT+15",
  "Etc/GMT-15",
  "America/New_York ",
  " Europe/Paris",
  "Europe\\Paris",
  "Europe/Paris\u0000",
  "x".repeat(64),
  "",
].filter((zone) => !isZone(zone) || zone === "");

export const unknownZone = fc.oneof(
  fc.constantFrom(...KNOWN_UNKNOWN_ZONES),
  fc.string({ maxLength: 30 }).filter((zone) => !isZone(zone)),
);

/** Every zone this runtime knows, for valid events. */
export const ZONES = Intl.supportedValuesOf("timeZone");

const EMAIL = z.email();
const KNOWN_BAD_EMAILS = [
  "",
  "plainaddress",
  "@northwind.example",
  "dana@",
  "dana@@northwind.example",
  "dana lee@northwind.example",
  "dana@northwind",
  "dana@northwind..example",
  "dana@-northwind.example",
  ".dana@northwind.example",
  "dana.@northwind.example",
  "dana..lee@northwind.example",
  "dana@northwind.example.",
  "<dana@northwind.example>",
  "Dana Lee <dana@northwind.example>",
  "dana@northwind.example, pat@litware.example",
  "dana@[300.1.1.1]",
  "dana@northwind.example\n",
  "mailto:dana@northwind.example",
].filter((email) => !EMAIL.safeParse(email).success);

export const badEmail = fc.oneof(
  fc.constantFrom(...KNOWN_BAD_EMAILS),
  fc.string({ maxLength: 40 }).filter((email) => !EMAIL.safeParse(email).success),
  tooLong(320, 200).map((local) => `${local}@northwind.example`),
);

export const VALID_EMAILS = [
  "dana.lee@northwind.example",
  "PAT+crm@Litware.Example",
  "o'brien@tailspin.example",
  "x@y.co",
  "amélie@fabrikam.example",
].filter((email) => EMAIL.safeParse(email).success);
