/**
 * The moment-timezone stand-in every bundle gets (stacks/esbuild-plugins.mjs, momentShim) against
 * the real moment-timezone that runs from source:
 *
 * - the calls date-holidays-parser's Equinox makes, at instants around every March and September
 *   equinox 1990–2100, in the zones and fixed offsets the holiday rules use;
 * - caldate's `moment.tz(wall time, zone).format()` for every hour of years with DST changes at
 *   midnight (a holiday starts at 00:00), and `moment.tz(date, zone)` read back;
 * - the holidays date-holidays yields (every field) for every country, bundled by esbuild as every
 *   function is (the stand-in, the rules as JSON: stacks/esbuild-plugins.mjs) and untouched, for every year 1990–2100 where equinoxes make days (CL, JP, TW; and CN)
 *   and sample years for the others.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import realMoment from "moment-timezone";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/build-functions.ts";
import bundlePlugins, { MOMENT_TIMEZONE_SHIM } from "../../stacks/esbuild-plugins.mjs";
import { runBundled } from "./run-bundled.ts";

const DIR = join(ROOT, `.build/test/moment-shim-${process.pid}`);

interface ShimMoment {
  tz(zone: string): ShimMoment;
  utcOffset(offset: string): ShimMoment;
  year(): number;
  month(): number;
  date(): number;
  hours(): number;
  minutes(): number;
  seconds(): number;
  format(): string;
}
type Shim = ((input: string | Date) => ShimMoment) & { tz(input: string | Date, zone: string): ShimMoment };

let shim: Shim;

beforeAll(async () => {
  mkdirSync(DIR, { recursive: true });
  const file = join(DIR, "moment-shim.mjs");
  writeFileSync(file, MOMENT_TIMEZONE_SHIM);
  shim = (await import(pathToFileURL(file).href)).default as Shim;
});

afterAll(() => rmSync(DIR, { recursive: true, force: true }));

const HOUR = 3_600_000;
const day = (year: number, month: number, date: number) => Date.UTC(year, month - 1, date);

describe("the moment-timezone stand-in", () => {
  it("places each equinox instant 1990–2100 on moment's day, in zones and fixed offsets", () => {
    const zones = ["Asia/Tokyo", "Asia/Shanghai", "America/Santiago", "Asia/Tehran", "Europe/Berlin"];
    const offsets = ["+08:00", "+09:00", "-03:00", "+05:45"];
    let checked = 0;
    for (let year = 1990; year <= 2100; year++) {
      // Equinoxes fall on Mar 19–21 and Sep 21–24 (UTC): every 53 minutes over a window around them.
      for (const [from, to] of [
        [day(year, 3, 18), day(year, 3, 23)],
        [day(year, 9, 20), day(year, 9, 25)],
      ] as const) {
        for (let t = from ?? 0; t < (to ?? 0); t += 53 * 60_000) {
          const iso = new Date(t).toISOString();
          for (const zone of zones) {
            const real = realMoment(iso).tz(zone);
            const ours = shim(iso).tz(zone);
            expect([ours.month(), ours.date()], `${iso} ${zone}`).toEqual([real.month(), real.date()]);
          }
          for (const offset of offsets) {
            const real = realMoment(iso).utcOffset(offset);
            const ours = shim(iso).utcOffset(offset);
            expect([ours.month(), ours.date()], `${iso} ${offset}`).toEqual([real.month(), real.date()]);
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(25_000);
  }, 120_000);

  it("reads a wall time in a zone as moment does, DST gaps and overlaps included, and back", () => {
    // Santiago, Asunción, Havana and Beirut change at midnight; New York and Berlin at night.
    const zones = [
      "America/Santiago",
      "America/Asuncion",
      "America/Havana",
      "Asia/Beirut",
      "America/New_York",
    ];
    for (const zone of [...zones, "Europe/Berlin", "Asia/Tokyo"]) {
      for (const year of [1995, 2026, 2047]) {
        for (let t = day(year, 1, 1); t < day(year + 1, 1, 1); t += HOUR) {
          const wall = new Date(t).toISOString().slice(0, 19).replace("T", " ");
          const real = realMoment.tz(wall, zone);
          const ours = shim.tz(wall, zone);
          expect(ours.format(), `${wall} ${zone}`).toBe(real.format());
          const instant = new Date(ours.format());
          const back = shim.tz(instant, zone);
          const realBack = realMoment.tz(instant, zone);
          expect(
            [back.year(), back.month(), back.date(), back.hours(), back.minutes(), back.seconds()],
            `${wall} ${zone}`,
          ).toEqual([
            realBack.year(),
            realBack.month(),
            realBack.date(),
            realBack.hours(),
            realBack.minutes(),
            realBack.seconds(),
          ]);
        }
      }
    }
  }, 120_000);

  it("gives date-holidays the same holidays, every country, as the real moment-timezone and rules", async () => {
    const entry = join(DIR, "holidays-entry.mjs");
    writeFileSync(
      entry,
      `import Holidays from "date-holidays";
const out = {};
const sample = [1995, 2031, 2100];
const all = Array.from({ length: 111 }, (_, i) => 1990 + i);
for (const country of Object.keys(new Holidays().getCountries())) {
  // Equinoxes make days in CL, JP and TW (their rules name them): every year there.
  const years = ["CL", "JP", "TW", "CN"].includes(country) ? all : sample;
  const library = new Holidays(country);
  // What Redial reads of a holiday (calendar/holidays.ts): its local date, how many days, its type.
  // Not the UTC instants: those follow the tz database, and moment-timezone ships its own copy,
  // older or newer than Node's ICU (Morocco's and Western Sahara's rules differ between them).
  for (const year of years)
    out[country + ":" + year] = library.getHolidays(year).map((h) => ({
      date: h.date,
      days: Math.max(1, Math.round((h.end - h.start) / 86400000)),
      name: h.name,
      type: h.type,
    }));
}
process.stdout.write(JSON.stringify(out));
`,
    );
    const bundle = async (name: string, plugins: typeof bundlePlugins) => {
      const outfile = join(DIR, `${name}.mjs`);
      const { stdout, code, inputs } = await runBundled(entry, outfile, plugins);
      return { inputs, code, holidays: JSON.parse(stdout) as Record<string, unknown[]> };
    };
    // Ours: as every function is bundled (the stand-in, and the rules as JSON.parse of the same data).
    const [real, ours] = await Promise.all([bundle("real", []), bundle("shipped", bundlePlugins)]);
    expect(real.inputs.some((path) => path.includes("node_modules/moment-timezone/"))).toBe(true);
    expect(ours.inputs.some((path) => path.includes("node_modules/moment-timezone/"))).toBe(false);
    expect(ours.code).toContain("JSON.parse(String.raw`");
    expect(Object.keys(ours.holidays).length).toBeGreaterThan(1_000);
    expect(ours.holidays["JP:2031"]?.length).toBeGreaterThan(10);
    expect(ours.holidays).toEqual(real.holidays);
  }, 180_000);
});
