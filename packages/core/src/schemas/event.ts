/**
 * The inbound event of CONTRACT.md: the one canonical shape every CRM webhook is mapped to.
 * Defined once here; the API validates with it and publishes it in /openapi.json.
 */
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
const isKnownZone = (zone: string) => {
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

/** A date-time with an explicit offset (`Z` or `±hh:mm`), so no event is read in the wrong zone. */
export const DateTime = z.iso.datetime({ offset: true });

export const Owner = z.object({
  id: z.string().min(1).max(200),
  email: z.email().max(320).optional(),
  name: z.string().max(200).optional(),
  timezone: TimeZone.optional().describe("The rep's zone; used when the prospect's is unknown (G2)."),
});
export type Owner = z.infer<typeof Owner>;

export const ProspectInput = z.object({
  id: z.string().min(1).max(200),
  email: z.email().max(320).optional(),
  firstName: z.string().max(200).optional(),
  lastName: z.string().max(200).optional(),
  company: z.string().max(300).optional(),
  title: z.string().max(300).optional(),
  phone: z.string().max(50).optional(),
  timezone: TimeZone.optional(),
  tier: Tier.optional(),
  fitsProfile: z.boolean().optional(),
  owner: Owner.optional(),
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

const base = {
  occurredAt: DateTime,
  prospect: ProspectInput,
  note: z.string().max(2000).optional(),
};

export const CallRejected = z.object({ type: z.literal("call.rejected"), ...base, reason: RejectionReason });
export const CallStalled = z.object({
  type: z.literal("call.stalled"),
  ...base,
  callbackAt: z.union([z.iso.date(), DateTime]).describe("The date the prospect asked to be called back."),
  callbackReason: z.string().min(1).max(2000).optional(),
});
export const CallNoAnswer = z.object({ type: z.literal("call.no_answer"), ...base, voicemail: z.boolean() });
export const ProspectDisqualified = z.object({
  type: z.literal("prospect.disqualified"),
  ...base,
  reason: z.string().max(2000).optional(),
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
