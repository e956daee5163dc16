import type { Playbook } from "../schemas/playbook.ts";
import type { Profile } from "../schemas/prospect.ts";
import { Calendar, resolveZone } from "./calendar.ts";
import { holidaysFor } from "./holidays.ts";
import { type Place, placeOf } from "./place.ts";

/**
 * G2 for one prospect: business time in its zone (else its owner's, else the team's) and the
 * holidays of where it is (its country, else its phone's, its zone's, the team's). Every decision,
 * send verdict and check builds its calendar here, so all of them skip the same days.
 */
export function prospectCalendar(
  profile: Pick<Profile, "country" | "region" | "phone" | "timezone" | "owner">,
  playbook: Pick<Playbook, "team" | "calendar">,
): Calendar {
  const place = placeOf(profile, playbook.team.country);
  return new Calendar(
    resolveZone(profile, playbook.team.timezone),
    playbook.calendar,
    holidaysFor(place, playbook.calendar),
    place,
  );
}

export type { Place };
