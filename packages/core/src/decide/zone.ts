/**
 * G2's zone fallback, as decide() sees it. An event may name a zone Luxon does not know
 * ("Mars/Olympus", "EST5EDT-ish"): that is not a 422 (CONTRACT.md "Where the prospect is"). The
 * profile keeps only valid zones (the last valid one stays), the calendar uses the prospect's zone,
 * else the owner's, else the team's (resolveZone), and the decision names the bad value and the zone
 * used in a remark. Every action then carries its local time in that zone (CONTRACT.md "Local times").
 */
import { localAt } from "../calendar/local-time.ts";
import { isKnownZone, type Owner, type OwnerInput } from "../schemas/event.ts";
import type { Profile } from "../schemas/prospect.ts";
import type { Decision } from "./types.ts";

/**
 * The owner to store: the event's, without a zone Luxon does not know. The same owner's last valid
 * zone stays; another owner's zone says nothing about this one.
 */
export function ownerToStore(input: OwnerInput, stored: Owner | undefined): Owner {
  if (input.timezone === undefined || isKnownZone(input.timezone)) return input;
  const { timezone: _unknown, ...owner } = input;
  return stored?.id === input.id && stored.timezone ? { ...owner, timezone: stored.timezone } : owner;
}

/** The prospect's zone to store: the event's if valid, else the one already stored (valid, or none). */
export const zoneToStore = (input: string | undefined, stored: string | undefined): string | undefined =>
  input !== undefined && isKnownZone(input) ? input : stored;

/**
 * G2: one remark per unknown zone in the event, naming it and the zone the decision used.
 * `profile` is the merged profile (unknown zones already kept out), `used` the calendar's zone.
 */
export function zoneRemarks(
  input: { timezone?: string | undefined; owner?: { timezone?: string | undefined } | undefined },
  profile: Profile,
  used: string,
): string[] {
  const bad: [field: string, value: string][] = [];
  if (input.timezone !== undefined && !isKnownZone(input.timezone)) bad.push(["timezone", input.timezone]);
  const ownerZone = input.owner?.timezone;
  if (ownerZone !== undefined && !isKnownZone(ownerZone)) bad.push(["owner.timezone", ownerZone]);
  if (!bad.length) return [];
  const whose =
    used === profile.timezone
      ? bad[0]?.[0] === "timezone"
        ? "the prospect's last valid zone"
        : "the prospect's"
      : used === profile.owner?.timezone
        ? "the owner's"
        : "the team's";
  return bad.map(
    ([field, value]) =>
      `${field} ${JSON.stringify(value)} is not an IANA zone: using ${used} (${whose}) (G2)`,
  );
}

/**
 * The decision as answered and recorded: every action with `local` and `zone` next to its UTC `at`,
 * and the G2 remarks first (they are about the event itself).
 */
export function localised(decision: Decision, zone: string, remarks: readonly string[]): Decision {
  // `local` and `zone` right after `at` in the JSON, where a reader looks for them. Object.assign
  // onto a literal, not a rest pattern: this runs on every action of every decision.
  const actions = decision.actions.map((action) =>
    Object.assign({ type: action.type, at: action.at, local: localAt(action.at, zone), zone }, action),
  );
  return remarks.length
    ? { ...decision, actions, remarks: [...remarks, ...decision.remarks] }
    : { ...decision, actions };
}
