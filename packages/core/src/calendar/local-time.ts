/**
 * Local times for people (CONTRACT.md "Local times"): an instant written with a zone's UTC offset,
 * `2027-01-05T08:00:00+01:00`, no milliseconds. Every action of every decision carries one, so this
 * runs on decide()'s hot path: the offset comes from the memoised zone (zone.ts), the text from
 * Date#toISOString, and each (zone, instant) is formatted once; Luxon's toISO would cost more than
 * planning the timer did.
 */
import { zoneFor } from "./zone.ts";

const MINUTE_MS = 60_000;
/** Plans put many timers on the same few window starts; past this, start over (memory stays bounded). */
const MAX_PER_ZONE = 50_000;
const formatted = new Map<string, Map<number, string>>();

/** `millis` as local ISO 8601 in `zone` (a valid IANA name), e.g. `2027-01-05T08:00:00+01:00`. */
export function localIso(millis: number, zone: string): string {
  let strings = formatted.get(zone);
  if (!strings) {
    strings = new Map();
    formatted.set(zone, strings);
  }
  let text = strings.get(millis);
  if (text === undefined) {
    // Whole minutes: every zone's offset has been since 1972, and Redial's dates start in 1970.
    const offset = Math.round(zoneFor(zone).offset(millis));
    const wall = new Date(Math.floor(millis / 1000) * 1000 + offset * MINUTE_MS).toISOString().slice(0, 19);
    text = `${wall}${offsetText(offset)}`;
    if (strings.size >= MAX_PER_ZONE) strings.clear();
    strings.set(millis, text);
  }
  return text;
}

/** `+01:00`, `-05:30`, `+00:00` (an offset, not `Z`: the contract asks for the prospect's offset). */
function offsetText(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${sign}${hh}:${mm}`;
}

/**
 * `localIso` of a UTC ISO string (an `at`): remembered by the text itself, so the common case (a
 * window start many timers share) costs one map lookup, not a Date.parse.
 */
export function localAt(at: string, zone: string): string {
  let strings = byText.get(zone);
  if (!strings) {
    strings = new Map();
    byText.set(zone, strings);
  }
  let text = strings.get(at);
  if (text === undefined) {
    text = localIso(Date.parse(at), zone);
    if (strings.size >= MAX_PER_ZONE) strings.clear();
    strings.set(at, text);
  }
  return text;
}
const byText = new Map<string, Map<string, string>>();

/** An ISO instant (`at` of a timer or action) with its local time and zone, for answers (not storage). */
export function withLocal<T extends { at: string }>(
  item: T,
  zone: string,
): T & { local: string; zone: string } {
  return { ...item, local: localAt(item.at, zone), zone };
}
