/**
 * Where the prospect is, for G2's holidays (CONTRACT.md "Where the prospect is"): the profile's
 * country (and region), else the phone number's country, else the time zone's, else the team's.
 * Pure: the two libraries are data, and the memo below only remembers their answers.
 */
import { getTimezone } from "countries-and-timezones";
import { parsePhoneNumberFromString } from "libphonenumber-js/min";
import type { Profile } from "../schemas/prospect.ts";

export type PlaceSource = "profile" | "phone" | "zone" | "team";

export interface Place {
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** The ISO 3166-2 subdivision part; only ever from the profile, next to its country. */
  region?: string;
  /** Which clue decided: the decision's remarks and docs/decisions.md speak of it. */
  source: PlaceSource;
}

/**
 * Phone string → country, or null. Parsing a number costs ~10 µs, and the same prospect's number
 * comes back on every event; bounded, so a flood of distinct numbers cannot grow it without end.
 */
const phoneCountries = new Map<string, string | null>();
const MAX_PHONES = 10_000;

/**
 * The country of an international number ("+44 20 …"). A national number ("020 …") names no
 * country by itself, and a non-geographic one (+800) names none at all: both are null.
 */
export function phoneCountry(phone: string): string | null {
  let country = phoneCountries.get(phone);
  if (country === undefined) {
    const trimmed = phone.trim();
    country = trimmed.startsWith("+") ? (parsePhoneNumberFromString(trimmed)?.country ?? null) : null;
    if (phoneCountries.size >= MAX_PHONES) phoneCountries.clear();
    phoneCountries.set(phone, country);
  }
  return country;
}

/**
 * The first country the tz database's zone tables list for a zone (Europe/Berlin → DE, the zone's
 * own country; the others only share its clock). Null for zones of no country (UTC, Etc/GMT+5).
 */
export function zoneCountry(zone: string): string | null {
  return getTimezone(zone)?.countries[0] ?? null;
}

/** G2: whose public holidays apply to this prospect, and why. */
export function placeOf(
  profile: Pick<Profile, "country" | "region" | "phone" | "timezone">,
  teamCountry: string,
): Place {
  if (profile.country)
    return profile.region
      ? { country: profile.country, region: profile.region, source: "profile" }
      : { country: profile.country, source: "profile" };
  const byPhone = profile.phone ? phoneCountry(profile.phone) : null;
  if (byPhone) return { country: byPhone, source: "phone" };
  const byZone = profile.timezone ? zoneCountry(profile.timezone) : null;
  if (byZone) return { country: byZone, source: "zone" };
  return { country: teamCountry, source: "team" };
}
