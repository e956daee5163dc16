/**
 * G2 end to end, with business time pinned in 2031 (REDIAL_DEV_NOW): prospects in GB-ENG, GB-SCT,
 * DE-BY, DE-BE, IN and the US get no email and no call on any public holiday of their own, and are
 * not skipped on a holiday of another country. The clock walks every holiday of the year: on each
 * one a prospect there says "not interested" (R2 plans a note for the next business morning and a
 * retry call), and the day before another country's holiday a prospect here does the same (its note
 * is due on that holiday, an ordinary day where it is). Then every timer runs, through the local SES.
 */
import type { Runtime } from "@redial/local";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2e, startPinned } from "../support/e2e.ts";
import { holidaysOf, PLACES, type Where as Place } from "../support/places.ts";

const YEAR = 2031;
const PINNED = "2030-12-30T00:00:00Z";

const HOLIDAYS = new Map(PLACES.map((place) => [place.name, new Set(holidaysOf(place, YEAR))]));
const own = (place: Place) => HOLIDAYS.get(place.name) ?? new Set<string>();

const isWorkday = (place: Place, date: DateTime) =>
  date.weekday <= 5 && !own(place).has(date.toISODate() ?? "");

interface Case {
  id: string;
  place: Place;
  /** When the prospect says no (10:00 local). */
  at: DateTime;
  /** For a foreign holiday: the date the note is due on, an ordinary business day here. */
  foreignHoliday?: string;
}

/** Every own holiday on a weekday; and per place, each other place's weekday holidays that are workdays here. */
function cases(): Case[] {
  const all: Case[] = [];
  for (const place of PLACES) {
    for (const date of own(place)) {
      const day = DateTime.fromISO(date, { zone: place.timezone });
      if (day.weekday > 5) continue; // a weekend is skipped anyway: nothing to prove
      all.push({ id: `hol:${place.name}:${date}`, place, at: day.set({ hour: 10 }) });
    }
    const foreign = new Set(PLACES.filter((p) => p.country !== place.country).flatMap((p) => [...own(p)]));
    for (const date of foreign) {
      const day = DateTime.fromISO(date, { zone: place.timezone });
      if (!isWorkday(place, day)) continue;
      let before = day.minus({ days: 1 });
      while (!isWorkday(place, before)) before = before.minus({ days: 1 });
      if (before.year !== YEAR) continue;
      all.push({
        id: `foreign:${place.name}:${date}`,
        place,
        at: before.set({ hour: 10 }),
        foreignHoliday: date,
      });
    }
  }
  return all.sort((a, b) => a.at.toMillis() - b.at.toMillis());
}

let runtime: Runtime;
let api: E2e;

beforeAll(async () => {
  runtime = await startPinned(PINNED);
  api = new E2e(runtime, "holidays");
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
}, 30_000);

const localDate = (at: string, zone: string) => DateTime.fromISO(at, { zone }).toISODate() ?? "";

describe("G2: the public holidays of where the prospect is, for 2031", () => {
  it("the oracle knows the regional differences the test relies on", () => {
    expect(own(PLACES[1] as Place).has("2031-01-02")).toBe(true); // GB-SCT: 2 January
    expect(own(PLACES[0] as Place).has("2031-01-02")).toBe(false);
    expect(own(PLACES[2] as Place).has("2031-01-06")).toBe(true); // DE-BY: Epiphany
    expect(own(PLACES[3] as Place).has("2031-01-06")).toBe(false);
  });

  it("no email and no call on a prospect's own holiday; another country's holiday is an ordinary day", async () => {
    const walk = cases();
    expect(walk.filter((c) => !c.foreignHoliday).length).toBeGreaterThan(40);
    expect(walk.filter((c) => c.foreignHoliday).length).toBeGreaterThan(40);

    for (const c of walk) {
      const now = Date.parse(await api.clockNow());
      if (c.at.toMillis() > now) await api.clock({ to: c.at.toUTC().toISO() ?? "" });
      const { decision } = await api.event({
        type: "call.rejected",
        occurredAt: c.at.toUTC().toISO(),
        reason: "not_interested",
        prospect: {
          id: c.id,
          email: `${c.id.replace(/\W/g, "-")}@example.com`,
          firstName: "Ana",
          country: c.place.country,
          ...(c.place.region ? { region: c.place.region } : {}),
          timezone: c.place.timezone,
          owner: { id: "rep-7", email: "wendy@acme.example", name: "Wendy Ward" },
        },
      });
      expect(decision.rule, c.id).toBe("R2");
      const planned = decision.actions.filter((a) => a.type === "email" || a.type === "call");
      expect(planned.map((a) => a.type).sort(), c.id).toEqual(["call", "email"]);
      for (const action of planned) {
        expect(
          own(c.place).has(localDate(action.at, c.place.timezone)),
          `${c.id}: ${action.type} at ${action.at}`,
        ).toBe(false);
      }
      const note = planned.find((a) => a.type === "email");
      if (c.foreignHoliday) expect(localDate(note?.at ?? "", c.place.timezone), c.id).toBe(c.foreignHoliday);
    }

    // Every note and retry call comes due and runs; what was sent is checked against the same oracle.
    await api.clock({ advance: "P10D" });
    for (const c of walk) {
      const { timeline } = await api.prospect(c.id);
      const sent = timeline.filter((entry) => entry.type === "email.sent");
      expect(sent, c.id).toHaveLength(1);
      const day = localDate(sent[0]?.at ?? "", c.place.timezone);
      expect(own(c.place).has(day), `${c.id}: sent on ${day}`).toBe(false);
      if (c.foreignHoliday) expect(day, c.id).toBe(c.foreignHoliday);
    }
  }, 600_000);
});
