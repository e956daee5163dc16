import type { ProspectInput } from "../schemas/event.ts";
import type { Profile, Prospect } from "../schemas/prospect.ts";

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

/** The CRM sends what it knows; a field it leaves out keeps its stored value. */
export function mergeProfile(profile: Profile, input: ProspectInput): Profile {
  const { id: _id, attributes, ...fields } = input;
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return {
    ...profile,
    ...defined,
    ...(attributes ? { attributes: { ...profile.attributes, ...attributes } } : {}),
  };
}
