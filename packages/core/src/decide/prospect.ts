import type { ProspectInput } from "../schemas/event.ts";
import type { Profile, Prospect } from "../schemas/prospect.ts";
import { ownerToStore, zoneToStore } from "./zone.ts";

/** A prospect Redial has not seen before: tier B and a fit until the CRM says otherwise. */
export function newProspect(id: string, now: string): Prospect {
  return {
    id,
    profile: { tier: "B", fitsProfile: true },
    status: "new",
    version: 0,
    cycle: 1,
    counters: { softNos: 0, noAnswers: 0, stallStreak: 0, touches: 0 },
    notes: [],
    timers: [],
    emailInvalid: false,
    recentEmails: [],
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * The CRM sends what it knows; a field it leaves out keeps its stored value. Written field by field
 * (one object shape every time) because this runs on every event and a generic merge was 10% of decide().
 */
export function mergeProfile(profile: Profile, input: ProspectInput): Profile {
  const merged: Profile = {
    email: input.email ?? profile.email,
    firstName: input.firstName ?? profile.firstName,
    lastName: input.lastName ?? profile.lastName,
    company: input.company ?? profile.company,
    title: input.title ?? profile.title,
    phone: input.phone ?? profile.phone,
    // G2: an unknown zone is not stored (decide/zone.ts); the decision names it in a remark.
    timezone: zoneToStore(input.timezone, profile.timezone),
    country: input.country ?? profile.country,
    // A region belongs to its country: a new country without a region drops the old region.
    region: input.region ?? (input.country && input.country !== profile.country ? undefined : profile.region),
    tier: input.tier ?? profile.tier,
    fitsProfile: input.fitsProfile ?? profile.fitsProfile,
    owner: input.owner ? ownerToStore(input.owner, profile.owner) : profile.owner,
    attributes: input.attributes ? { ...profile.attributes, ...input.attributes } : profile.attributes,
  };
  // Absent stays absent (not `undefined`), so stored items and API answers list only known fields.
  for (const key in merged)
    if (merged[key as keyof Profile] === undefined) delete merged[key as keyof Profile];
  return merged;
}
