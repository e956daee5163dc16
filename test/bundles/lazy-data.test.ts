/**
 * The data modules every bundle carries as JSON parsed on first use (stacks/esbuild-plugins.mjs,
 * lazyDataAsJson and holidayRulesAsJson): bundled as every function is, they hold the same data as
 * the installed files, parse nothing at import, and still answer what Redial asks of them.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import metadata from "libphonenumber-js/metadata.min.json";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/build-functions.ts";
import bundlePlugins from "../../stacks/esbuild-plugins.mjs";
import { runBundled } from "./run-bundled.ts";

/** No type declarations ship for astronomia's data: imported by a name TypeScript does not resolve. */
const VSOP87_EARTH: string = "astronomia/data/vsop87Bearth";
const DIR = join(ROOT, `.build/test/lazy-data-${process.pid}`);

beforeAll(() => mkdirSync(DIR, { recursive: true }));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe("data as JSON parsed on first use", () => {
  it("holds the installed data, parses none of it at import, and parses a phone number", async () => {
    const entry = join(DIR, "entry.mjs");
    writeFileSync(
      entry,
      `const parse = JSON.parse;
let parses = 0;
JSON.parse = (...args) => (parses++, parse(...args));
const { default: vsop } = await import("astronomia/data/vsop87Bearth");
const { default: metadata } = await import("libphonenumber-js/metadata.min.json");
const { parsePhoneNumberFromString } = await import("libphonenumber-js/min");
const atImport = { parses, name: vsop.name, type: vsop.type, version: metadata.version };
const country = parsePhoneNumberFromString("+44 20 7946 0958")?.country;
process.stdout.write(JSON.stringify({ atImport, country, vsop, metadata }));
`,
    );
    const outfile = join(DIR, "entry.bundle.mjs");
    const { stdout, inputs } = await runBundled(entry, outfile, bundlePlugins);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out.atImport).toEqual({ parses: 0, name: "earth", type: "B", version: metadata.version });
    expect(out.country).toBe("GB");
    const { default: vsop87Bearth } = (await import(VSOP87_EARTH)) as { default: unknown };
    expect(out.vsop).toEqual(JSON.parse(JSON.stringify(vsop87Bearth)));
    expect(out.metadata).toEqual(JSON.parse(JSON.stringify(metadata)));
    expect(inputs.some((path) => path.endsWith("astronomia/data/vsop87Bearth.js"))).toBe(true);
  });
});
