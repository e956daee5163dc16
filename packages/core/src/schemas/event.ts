/**
 * The inbound event of CONTRACT.md: the one canonical shape every CRM webhook is mapped to.
 * Defined once here; the API validates with it and publishes it in /openapi.json.
 */
import { getCountry } from "countries-and-timezones";
import { IANAZone } from "luxon";
import * as z from "zod";

export const Tier = z.enum(["A", "B", "C"]).describe("Potential worth: A high, B default, C low.");
export type Tier = z.infer<typeof Tier>;

/**
 * Zones already found valid. Luxon's isValidZone builds a new Intl.DateTimeFormat on every call: ~45 µs
 * and native (ICU) memory the GC does not see, on every prospect read. Only valid names are kept (a
 * few hundred exist), so junk input cannot grow the set.
 */
const knownZones = new Set<string>();
export const isKnownZone = (zone: string) => {
  if (knownZones.has(zone)) return true;
  const valid = IANAZone.isValidZone(zone);
  if (valid) knownZones.add(zone);
  return valid;
};

export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isKnownZone, { message: "Not a known IANA time zone" });

/**
 * A zone as a CRM sends it: any short text. CRM data is typed by people, so an unknown zone is not a
 * 422 (CONTRACT.md "Where the prospect is"): G2 falls back to the owner's zone, then the team's, the
 * decision says so in a remark, and the stored profile keeps only valid zones (decide/zone.ts).
 */
export const ZoneInput = z
  .string()
  .max(64)
  .describe("An IANA time zone. An unknown one is kept out of the profile and named in a remark (G2).");

/**
 * Where the prospect is (CONTRACT.md "Where the prospect is"): an ISO 3166-1 alpha-2 code, any case in,
 * uppercase stored. Known codes only (the tz database's country list), so a typo is a 422, not a
 * prospect silently on the team's holidays.
 */
export const Country = z
  .string()
  .trim()
  .toUpperCase()
  .refine((code) => /^[A-Z]{2}$/.test(code) && getCountry(code) !== null, {
    error: (issue) => `Not an ISO 3166-1 alpha-2 country code: ${JSON.stringify(issue.input)}`,
  });

/**
 * The subdivision part of ISO 3166-2 (`BY` of `DE-BY`, `SCT` of `GB-SCT`); a full `DE-BY` is read as
 * `BY`. Checked for shape only: a valid subdivision the holiday library does not list is not the
 * prospect's fault, and G2 then applies the country's national holidays (docs/decisions.md).
 */
export const Region = z
  .string()
  .trim()
  .toUpperCase()
  .overwrite((code) => code.replace(/^[A-Z]{2}-/, ""))
  .refine((code) => /^[A-Z0-9]{1,3}$/.test(code), {
    error: (issue) => `Not an ISO 3166-2 subdivision code: ${JSON.stringify(issue.input)}`,
  });

/** A date-time with an explicit offset (`Z` or `±hh:mm`), so no event is read in the wrong zone. */
export const DateTime = z.iso.datetime({ offset: true });

/**
 * The dates an event may carry: from 1970 through 2999, UTC. Redial stores the instants it derives
 * as UTC ISO strings, and outside years 0000-9999 toISOString writes a six-digit year that DateTime
 * refuses when the prospect is read again (`9999-12-31T23:59:59-12:00` is year 10000 in UTC): one such
 * event would leave a prospect no later event or read could load. A CRM date before 1970 or after 2999
 * is a wrong field anyway.
 */
const FIRST_DAY = "1970-01-01";
const LAST_DAY = "2999-12-31";
const RANGE = `from ${FIRST_DAY} through ${LAST_DAY}`;
const FIRST_MS = Date.parse(`${FIRST_DAY}T00:00:00Z`);
const END_MS = Date.parse(`${LAST_DAY}T00:00:00Z`) + 86_400_000;
export const EventDateTime = DateTime.refine(
  (text) => {
    const ms = Date.parse(text);
    return ms >= FIRST_MS && ms < END_MS;
  },
  { message: `Expected a date-time ${RANGE} (UTC)` },
);
export const EventDate = z.iso
  .date()
  .refine((text) => text >= FIRST_DAY && text <= LAST_DAY, { message: `Expected a date ${RANGE}` });

export const Owner = z.object({
  id: z.string().min(1).max(200),
  email: z.email().max(320).optional(),
  name: z.string().max(200).optional(),
  timezone: TimeZone.optional().describe("The rep's zone; used when the prospect's is unknown (G2)."),
});
export type Owner = z.infer<typeof Owner>;

/** The owner as an event carries it: the same fields, with a zone that may be unknown (G2). */
export const OwnerInput = Owner.extend({
  timezone: ZoneInput.optional().describe(
    "The rep's zone; used when the prospect's is unknown (G2). An unknown one falls back to the team's.",
  ),
});
export type OwnerInput = z.infer<typeof OwnerInput>;

export const ProspectInput = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    // A URL path resolves "." and ".." away: GET /v1/prospects/{id} could never name such a prospect.
    .refine((id) => id !== "." && id !== "..", { message: 'Must not be "." or ".."' }),
  email: z.email().max(320).optional(),
  firstName: z.string().max(200).optional(),
  lastName: z.string().max(200).optional(),
  company: z.string().max(300).optional(),
  title: z.string().max(300).optional(),
  phone: z.string().max(50).optional(),
  timezone: ZoneInput.optional(),
  country: Country.optional().describe("ISO 3166-1 alpha-2, e.g. GB: whose public holidays G2 skips."),
  region: Region.optional().describe("ISO 3166-2 subdivision, e.g. SCT (GB-SCT): regional holidays (G2)."),
  tier: Tier.optional(),
  fitsProfile: z.boolean().optional(),
  owner: OwnerInput.optional(),
  // What DynamoDB cannot store in them (reserved names, numbers, depth) is checked on the raw body,
  // where zod cannot hide a `__proto__` key: schemas/storable.ts, through ingest/read-event.ts.
  attributes: z.record(z.string().max(100), z.unknown()).optional(),
});
export type ProspectInput = z.infer<typeof ProspectInput>;

export const SOFT_NO_REASONS = [
  "not_interested",
  "all_set",
  "has_vendor",
  "no_budget",
  "bad_timing",
  "other",
] as const;
export const RejectionReason = z.enum([...SOFT_NO_REASONS, "hostile", "do_not_contact"]);
export type RejectionReason = z.infer<typeof RejectionReason>;

/** The longest free text an event carries: a note, a callback reason, a disqualification reason. */
export const MAX_TEXT_LENGTH = 2000;

const base = {
  occurredAt: EventDateTime,
  prospect: ProspectInput,
  note: z.string().max(MAX_TEXT_LENGTH).optional(),
};

export const CallRejected = z.object({ type: z.literal("call.rejected"), ...base, reason: RejectionReason });
export const CallStalled = z.object({
  type: z.literal("call.stalled"),
  ...base,
  callbackAt: z.union([EventDate, EventDateTime]).describe("The date the prospect asked to be called back."),
  callbackReason: z.string().min(1).max(MAX_TEXT_LENGTH).optional(),
});
export const CallNoAnswer = z.object({ type: z.literal("call.no_answer"), ...base, voicemail: z.boolean() });
export const ProspectDisqualified = z.object({
  type: z.literal("prospect.disqualified"),
  ...base,
  reason: z.string().max(MAX_TEXT_LENGTH).optional(),
});
const plain = <T extends string>(type: T) => z.object({ type: z.literal(type), ...base });

export const InboundEvent = z.discriminatedUnion("type", [
  CallRejected,
  CallStalled,
  CallNoAnswer,
  ProspectDisqualified,
  plain("prospect.opted_out"),
  plain("prospect.replied"),
  plain("prospect.meeting_booked"),
  plain("prospect.converted"),
  plain("prospect.updated"),
]);
export type InboundEvent = z.infer<typeof InboundEvent>;
export type InboundEventType = InboundEvent["type"];
export const INBOUND_EVENT_TYPES = InboundEvent.options.map((o) => o.shape.type.value);

/** Largest accepted body (CONTRACT.md). */
export const MAX_EVENT_BYTES = 64 * 1024;
