/**
 * G2's holidays: the public holidays of the prospect's country and region, for any year, from
 * date-holidays, plus and minus the playbook's own dates (calendar.extraHolidays, ignoreHolidays,
 * calendar.countries). Pure, and memoised at two levels so decide() stays fast:
 * - the library's days per (country, region, year): the first decision of a year pays ~1 ms once;
 * - the final set per (playbook calendar, place, year), reused by every Calendar of that place.
 */
import Holidays from "date-holidays";
import type { CalendarSettings, HolidayType } from "../schemas/playbook.ts";
import { DAY_MS, type Day, dayOfIso } from "./days.ts";
import type { Place } from "./place.ts";

/** The holidays of one year as local day numbers: what Calendar asks, one year at a time. */
export type HolidayLookup = (year: number) => ReadonlySet<Day>;

/** One holiday as the library states it: its local days and its kind. */
interface Span {
  first: Day;
  last: Day;
  type: HolidayType;
}

/** One Holidays instance per country and region: building one parses that country's rules. */
const libraries = new Map<string, Holidays>();
/** ~200 countries and their ~3,000 subdivisions at most; past that, start over. */
const MAX_LIBRARIES = 5_000;
/** Spans per "GB-SCT:2031". Bounded: a few hundred places × a few years; past that, start over. */
const spansMemo = new Map<string, readonly Span[]>();
const MAX_SPANS = 5_000;

function libraryFor(country: string, region: string | undefined): Holidays {
  const key = region ? `${country}-${region}` : country;
  let library = libraries.get(key);
  if (!library) {
    library = region ? new Holidays(country, region) : new Holidays(country);
    // A region the library does not know leaves it uninitialised: the country's national days then.
    if (region && !library.getStates(country)?.[region]) library = new Holidays(country);
    if (libraries.size >= MAX_LIBRARIES) libraries.clear();
    libraries.set(key, library);
  }
  return library;
}

/**
 * The library's holidays of a year. `date` is the local date-time the holiday starts
 * ("2031-12-24 14:00:00" for a half-day), so its date part is the local day; `end - start` says how
 * many days it lasts (most 1; a half-day still takes its whole day off: docs/decisions.md).
 */
function spansOf(country: string, region: string | undefined, year: number): readonly Span[] {
  const key = `${country}-${region ?? ""}:${year}`;
  let spans = spansMemo.get(key);
  if (!spans) {
    spans = libraryFor(country, region)
      .getHolidays(year)
      .map((holiday) => {
        const first = dayOfIso(holiday.date.slice(0, 10));
        const days = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
        return { first, last: first + days - 1, type: holiday.type };
      });
    if (spansMemo.size >= MAX_SPANS) spansMemo.clear();
    spansMemo.set(key, spans);
  }
  return spans;
}

const daysOf = (dates: readonly string[]) => dates.map(dayOfIso);

/** The playbook's dates for one country, as day numbers, prepared once per place. */
interface Adjustments {
  types: ReadonlySet<HolidayType>;
  extra: readonly Day[];
  ignore: ReadonlySet<Day>;
}

function adjustmentsFor(settings: CalendarSettings, country: string): Adjustments {
  const own = settings.countries[country];
  return {
    types: new Set(own?.types ?? settings.holidayTypes),
    extra: daysOf([...settings.extraHolidays, ...(own?.extraHolidays ?? [])]),
    ignore: new Set(daysOf([...settings.ignoreHolidays, ...(own?.ignoreHolidays ?? [])])),
  };
}

/** Per playbook calendar, per place: its lookup (which remembers its years). */
let lookups = new WeakMap<CalendarSettings, Map<string, HolidayLookup>>();
const MAX_PLACES = 5_000;
/** Years per place: a decision looks a year or two ahead; a long import or a bench may see more. */
const MAX_YEARS = 64;

/**
 * The holidays of a place under a playbook: (the library's days of the counted types ∪ extraHolidays)
 * − ignoreHolidays, team-wide and the place's country's. Ignore wins: it says "we work that day".
 */
export function holidaysFor(
  place: Pick<Place, "country" | "region">,
  settings: CalendarSettings,
): HolidayLookup {
  let places = lookups.get(settings);
  if (!places) {
    places = new Map();
    lookups.set(settings, places);
  }
  const key = place.region ? `${place.country}-${place.region}` : place.country;
  let lookup = places.get(key);
  if (!lookup) {
    const { country, region } = place;
    const { types, extra, ignore } = adjustmentsFor(settings, country);
    const years = new Map<number, ReadonlySet<Day>>();
    lookup = (year) => {
      let days = years.get(year);
      if (!days) {
        const start = Date.UTC(year, 0, 1) / DAY_MS;
        const end = Date.UTC(year + 1, 0, 1) / DAY_MS; // exclusive
        const set = new Set<Day>();
        // Last year's spans too: a holiday of several days may run into January.
        for (const span of [...spansOf(country, region, year - 1), ...spansOf(country, region, year)]) {
          if (!types.has(span.type)) continue;
          for (let day = Math.max(span.first, start); day <= span.last && day < end; day++) set.add(day);
        }
        for (const day of extra) if (day >= start && day < end) set.add(day);
        for (const day of ignore) set.delete(day);
        days = set;
        if (years.size >= MAX_YEARS) years.clear();
        years.set(year, days);
      }
      return days;
    };
    if (places.size >= MAX_PLACES) places.clear();
    places.set(key, lookup);
  }
  return lookup;
}

/**
 * Test and bench only: forget every year seen, so the next decision of any year is a cold one. The
 * parsed country rules stay: a process builds those once per country, not once per year.
 */
export function resetHolidayMemo(): void {
  spansMemo.clear();
  lookups = new WeakMap();
}
