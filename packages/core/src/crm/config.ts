/**
 * The `crm:` section of the playbook: for each CRM, which of its fields fill the prospect's profile
 * and which field values become which canonical event (docs/crm/*.md). Optional, with the defaults
 * below, so a playbook without the section stays valid. A team's map replaces the default map of
 * the same name (it is not merged): copy the lines you want to keep.
 */
import * as z from "zod";
import { RejectionReason } from "../schemas/event.ts";

/** What a matched field value becomes. `prospect.updated` is implied by profile fields, not mapped. */
export const CrmOutcome = z
  .object({
    type: z.enum([
      "call.rejected",
      "call.stalled",
      "call.no_answer",
      "prospect.disqualified",
      "prospect.opted_out",
      "prospect.replied",
      "prospect.meeting_booked",
      "prospect.converted",
    ]),
    /** call.rejected only, and required there. */
    reason: RejectionReason.optional(),
    /** call.no_answer only: a voicemail was left (R8). */
    voicemail: z.boolean().optional(),
  })
  .refine((o) => (o.type === "call.rejected") === (o.reason !== undefined), {
    message: "call.rejected needs a reason, and only call.rejected takes one",
    path: ["reason"],
  })
  .refine((o) => o.voicemail === undefined || o.type === "call.no_answer", {
    message: "voicemail is for call.no_answer only",
    path: ["voicemail"],
  });
export type CrmOutcome = z.infer<typeof CrmOutcome>;

/** field → value → outcome. Values match trimmed and case-insensitively; the first field listed wins. */
export const OutcomeMap = z.record(z.string().min(1), z.record(z.string(), CrmOutcome));
export type OutcomeMap = z.infer<typeof OutcomeMap>;

/**
 * Canonical field ← the CRM's field name (a dotted path for nested fields, e.g.
 * `custom_fields.<hash>` in Pipedrive). Unset: the canonical field is not filled.
 */
export const CrmFields = z.object({
  email: z.string().min(1).optional(),
  firstName: z.string().min(1).optional(),
  lastName: z.string().min(1).optional(),
  company: z.string().min(1).optional(),
  title: z.string().min(1).optional(),
  phone: z.string().min(1).optional(),
  /** An IANA zone (HubSpot's `america_slash_new_york` form is understood too). */
  timezone: z.string().min(1).optional(),
  /** G2: an ISO 3166-1 alpha-2 code (`GB`); not mapped by default (CRMs often hold a country name). */
  country: z.string().min(1).optional(),
  /** G2: an ISO 3166-2 subdivision (`SCT` or `GB-SCT`); not mapped by default. */
  region: z.string().min(1).optional(),
  /** Values A, B or C. */
  tier: z.string().min(1).optional(),
  /** true/false. */
  fitsProfile: z.string().min(1).optional(),
  /** The CRM user who owns the prospect; `owners` turns the CRM's id into the rep's. */
  owner: z.string().min(1).optional(),
  note: z.string().min(1).optional(),
  /** call.stalled needs a date: the field that holds it. */
  callbackAt: z.string().min(1).optional(),
  callbackReason: z.string().min(1).optional(),
});
export type CrmFields = z.infer<typeof CrmFields>;

/** CRM user id → the rep as Redial's queue and emails know them (the sender of the prospect's emails). */
export const CrmOwners = z.record(
  z.string().min(1),
  z.object({
    id: z.string().min(1).max(200),
    email: z.email().optional(),
    name: z.string().max(200).optional(),
  }),
);
export type CrmOwners = z.infer<typeof CrmOwners>;

const HUBSPOT = {
  fields: {
    email: "email",
    firstName: "firstname",
    lastName: "lastname",
    company: "company",
    title: "jobtitle",
    phone: "phone",
    timezone: "hs_timezone",
    owner: "hubspot_owner_id",
    note: "hs_call_body",
  },
  outcomes: {
    hs_email_optout: { true: { type: "prospect.opted_out" } },
    // HubSpot's default call outcomes (the same ids in every account); Connected and Wrong number
    // say nothing about the prospect's answer, so they are not mapped.
    hs_call_disposition: {
      "73a0d17f-1163-4015-bdd5-ec830791da20": { type: "call.no_answer" }, // No answer
      "9d9162e7-6cf3-4944-bf63-4dff82258764": { type: "call.no_answer" }, // Busy
      "b2cf5968-551e-4856-9783-52b3da59a7d0": { type: "call.no_answer", voicemail: true }, // Left voicemail
      "a4c4c377-d246-4b32-a13b-75a56a4cd0ff": { type: "call.no_answer", voicemail: true }, // Left live message
    },
    hs_lead_status: {
      UNQUALIFIED: { type: "prospect.disqualified" },
      BAD_TIMING: { type: "call.rejected", reason: "bad_timing" },
    },
    lifecyclestage: { customer: { type: "prospect.converted" } },
  },
  events: { "contact.privacyDeletion": { type: "prospect.opted_out" } },
} satisfies { fields: CrmFields; outcomes: OutcomeMap; events: Record<string, CrmOutcome> };

const SALESFORCE_PERSON = {
  HasOptedOutOfEmail: { true: { type: "prospect.opted_out" } },
  DoNotCall: { true: { type: "call.rejected", reason: "do_not_contact" } },
} satisfies OutcomeMap;

const SALESFORCE = {
  fields: {
    email: "Email",
    firstName: "FirstName",
    lastName: "LastName",
    company: "Company",
    title: "Title",
    phone: "Phone",
    owner: "OwnerId",
    note: "Description",
  },
  outcomes: {
    Task: {
      CallDisposition: {
        "No Answer": { type: "call.no_answer" },
        Busy: { type: "call.no_answer" },
        "Left Voicemail": { type: "call.no_answer", voicemail: true },
        "Not Interested": { type: "call.rejected", reason: "not_interested" },
        "All Set": { type: "call.rejected", reason: "all_set" },
        "Has a Vendor": { type: "call.rejected", reason: "has_vendor" },
        "No Budget": { type: "call.rejected", reason: "no_budget" },
        "Bad Timing": { type: "call.rejected", reason: "bad_timing" },
        Hostile: { type: "call.rejected", reason: "hostile" },
        "Do Not Call": { type: "call.rejected", reason: "do_not_contact" },
        "Not a Fit": { type: "prospect.disqualified" },
        "Meeting Booked": { type: "prospect.meeting_booked" },
      },
    },
    Lead: {
      ...SALESFORCE_PERSON,
      Status: {
        "Closed - Not Converted": { type: "prospect.disqualified" },
        "Closed - Converted": { type: "prospect.converted" },
      },
    },
    Contact: SALESFORCE_PERSON,
  },
} satisfies { fields: CrmFields; outcomes: Record<string, OutcomeMap> };

const PIPEDRIVE_REJECTIONS = {
  "Not interested": { type: "call.rejected", reason: "not_interested" },
  "All set": { type: "call.rejected", reason: "all_set" },
  "Has a vendor": { type: "call.rejected", reason: "has_vendor" },
  "No budget": { type: "call.rejected", reason: "no_budget" },
  "Bad timing": { type: "call.rejected", reason: "bad_timing" },
  Hostile: { type: "call.rejected", reason: "hostile" },
  "Do not contact": { type: "call.rejected", reason: "do_not_contact" },
  "Not a fit": { type: "prospect.disqualified" },
} satisfies Record<string, CrmOutcome>;

const PIPEDRIVE = {
  fields: {
    email: "email",
    firstName: "first_name",
    lastName: "last_name",
    company: "org_name",
    phone: "phone",
    owner: "owner_id",
    note: "note",
  },
  outcomes: {
    // Activity type keys (Settings → Activities); these are the ones docs/crm/pipedrive.md creates.
    activity: {
      type: {
        no_answer: { type: "call.no_answer" },
        voicemail: { type: "call.no_answer", voicemail: true },
      },
    },
    // A lost deal's reason first (Settings → Company settings → Lost reasons), then won/lost itself.
    deal: {
      lost_reason: PIPEDRIVE_REJECTIONS,
      status: {
        won: { type: "prospect.converted" },
        lost: { type: "call.rejected", reason: "other" },
      },
    },
  },
} satisfies { fields: CrmFields; outcomes: Record<string, OutcomeMap> };

const HubSpotSettingsShape = z.object({
  fields: CrmFields.default(HUBSPOT.fields),
  owners: CrmOwners.default({}),
  /** Contact or call property → value → event. */
  outcomes: OutcomeMap.default(HUBSPOT.outcomes),
  /** App webhook subscription types that carry no property (e.g. contact.privacyDeletion). */
  events: z.record(z.string().min(1), CrmOutcome).default(HUBSPOT.events),
});

const SalesforceSettingsShape = z.object({
  fields: CrmFields.default(SALESFORCE.fields),
  owners: CrmOwners.default({}),
  /** sObject type (Task, Lead, Contact, …) → field → value → event. */
  outcomes: z.record(z.string().min(1), OutcomeMap).default(SALESFORCE.outcomes),
});

const PipedriveSettingsShape = z.object({
  fields: CrmFields.default(PIPEDRIVE.fields),
  owners: CrmOwners.default({}),
  /** Entity (activity, deal, person) → field → value → event. */
  outcomes: z.record(z.string().min(1), OutcomeMap).default(PIPEDRIVE.outcomes),
});

export const HubSpotSettings = HubSpotSettingsShape;
export type HubSpotSettings = z.infer<typeof HubSpotSettings>;
export const SalesforceSettings = SalesforceSettingsShape;
export type SalesforceSettings = z.infer<typeof SalesforceSettings>;
export const PipedriveSettings = PipedriveSettingsShape;
export type PipedriveSettings = z.infer<typeof PipedriveSettings>;

export const CrmSettings = z.object({
  hubspot: HubSpotSettings.prefault({}),
  salesforce: SalesforceSettings.prefault({}),
  pipedrive: PipedriveSettings.prefault({}),
});
export type CrmSettings = z.infer<typeof CrmSettings>;

/** The built-in mapping, for a playbook without a `crm:` section (and for tests). */
export const defaultCrmSettings = (): CrmSettings => CrmSettings.parse({});
