/**
 * The places G2's holiday tests walk (CONTRACT.md "Where the prospect is"), and the oracle: the
 * library's own holidays with the default playbook's filter (public and bank).
 */
import Holidays from "date-holidays";

export interface Where {
  name: string;
  country: string;
  region?: string;
  timezone: string;
}

export const PLACES: Where[] = [
  { name: "GB-ENG", country: "GB", region: "ENG", timezone: "Europe/London" },
  { name: "GB-SCT", country: "GB", region: "SCT", timezone: "Europe/London" },
  { name: "DE-BY", country: "DE", region: "BY", timezone: "Europe/Berlin" },
  { name: "DE-BE", country: "DE", region: "BE", timezone: "Europe/Berlin" },
  { name: "IN", country: "IN", timezone: "Asia/Kolkata" },
  { name: "US", country: "US", timezone: "America/New_York" },
];

/** The local dates of the place's public and bank holidays in `year`, sorted. */
export function holidaysOf(where: Pick<Where, "country" | "region">, year: number): string[] {
  const library = where.region ? new Holidays(where.country, where.region) : new Holidays(where.country);
  const dates = library
    .getHolidays(year)
    .filter((h) => h.type === "public" || h.type === "bank")
    .map((h) => h.date.slice(0, 10));
  return [...new Set(dates)].sort();
}
