/**
 * The esbuild plugins every Redial function is bundled with: by SST (stacks/bundle.ts passes this
 * file as `nodejs.plugins`) and by `npm run build:functions` alike. Plain JavaScript with no imports,
 * because SST loads it as it is.
 *
 * embeddedPlaybookOnly: a bundle carries its playbook and templates in its banner (stacks/bundle.ts),
 * so packages/functions/src/playbook-files.ts, which reads them from disk and parses YAML, is
 * replaced by a stub with the same exports whose functions say so. That leaves the YAML parser
 * (115 KB, a quarter of a bundle) out of every function. test/bundles checks the exports match.
 */
/**
 * Every hook is registered with a filter that matches anything and tests the path (and namespace)
 * itself. SST's bridge to these plugins (.sst/platform/functions/nodejs-runtime/plugin.mjs, SST
 * 4.17.1) tests each hook's filter against a field its Go side never sends, so only a match-all
 * filter is reached, and it ignores `namespace` altogether (upstream anomalyco/sst#4514). Plain
 * esbuild (npm run build:functions) runs the same hooks, so both build the same bundles;
 * test/bundles/sst-plugin-bridge.test.ts drives SST's bridge with these plugins.
 */
const ANY = /.*/;
const matches = (args, filter, namespace = "file") =>
  typeof args?.path === "string" && filter.test(args.path) && (args.namespace ?? "file") === namespace;
const onLoad = (build, filter, load, namespace) =>
  build.onLoad({ filter: ANY }, (args) => (matches(args, filter, namespace) ? load(args) : undefined));
const onResolve = (build, filter, resolve) =>
  build.onResolve({ filter: ANY }, (args) => (matches(args, filter) ? resolve(args) : undefined));

const STUB = `
const fromSource = (name) => () => {
  throw new Error(name + ": a Redial bundle embeds its playbook and templates and reads no files; REDIAL_PLAYBOOK and REDIAL_TEMPLATES are for running from source");
};
export const DEFAULT_PLAYBOOK_PATH = "playbook/playbook.yaml";
export const DEFAULT_TEMPLATES_DIR = "playbook/templates";
export const readPlaybookFile = fromSource("readPlaybookFile");
export const readTemplateFiles = fromSource("readTemplateFiles");
export const readTemplateSources = fromSource("readTemplateSources");
`;

export const PLAYBOOK_FILES_MODULE = /[\\/]packages[\\/]functions[\\/]src[\\/]playbook-files\.ts$/;

export const embeddedPlaybookOnly = {
  name: "redial-embedded-playbook-only",
  setup(build) {
    onLoad(build, PLAYBOOK_FILES_MODULE, () => ({ contents: STUB, loader: "js" }));
  },
};

export const PLAYBOOK_FILES_STUB = STUB;

/**
 * momentShim: date-holidays (through date-holidays-parser and caldate) imports moment-timezone, 733 KB
 * minified with its whole tz database, for four calls: `moment(iso).tz(zone)` and
 * `moment(iso).utcOffset("+08:00")` then `.month()` / `.date()` (the day of an equinox in a zone,
 * date-holidays-parser/src/Equinox.js), `moment.tz("YYYY-MM-DD HH:mm:ss", zone).format()` (a local
 * holiday start as an instant, caldate's toTimezone) and `moment.tz(date, zone)` then
 * `.year()`…`.seconds()` (caldate's fromTimezone). Node's Intl has the tz database already, so a
 * bundle gets this stand-in instead, which does exactly those over Intl.DateTimeFormat. A wall time
 * in a DST gap moves forward by the gap, an ambiguous one takes the earlier instant, as moment does.
 * From source (tests, `npm start`) the real moment-timezone runs; test/bundles/moment-shim.test.ts
 * compares the two, and the holidays date-holidays yields with each.
 */
const MOMENT_SHIM = `
const formats = new Map();
function partsIn(zone, ms) {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
      hour: "numeric", minute: "numeric", second: "numeric",
    });
    formats.set(zone, format);
  }
  const p = {};
  for (const { type, value } of format.formatToParts(ms)) p[type] = Number(value);
  return p;
}
const utcOf = (y, mo, d, h = 0, mi = 0, s = 0) => {
  const date = new Date(0);
  date.setUTCFullYear(y, mo, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime();
};
/** The zone's offset from UTC at an instant, in ms. */
function offsetAt(zone, ms) {
  const whole = Math.floor(ms / 1000) * 1000;
  const p = partsIn(zone, whole);
  return utcOf(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}
/** The instant of a wall time in a zone: forward by the gap in a gap, the earlier of two in an overlap. */
function instantOf(zone, wall) {
  const before = offsetAt(zone, wall - 86400000);
  const after = offsetAt(zone, wall + 86400000);
  for (const offset of before >= after ? [before, after] : [after, before]) {
    if (offsetAt(zone, wall - offset) === offset) return wall - offset;
  }
  return wall - before;
}
const pad = (n, width = 2) => String(Math.abs(n)).padStart(width, "0");
class Moment {
  constructor(ms, offset) {
    this.ms = ms;
    this.offset = offset;
    this.wall = new Date(ms + offset(ms));
  }
  tz(zone) {
    offsetAt(zone, 0);
    return new Moment(this.ms, (ms) => offsetAt(zone, ms));
  }
  utcOffset(text) {
    const m = /^([+-])(\\d{2}):?(\\d{2})$/.exec(text);
    if (!m) throw new Error("moment shim: utcOffset takes +hh:mm, not " + text);
    const minutes = (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
    return new Moment(this.ms, () => minutes * 60000);
  }
  year() { return this.wall.getUTCFullYear(); }
  month() { return this.wall.getUTCMonth(); }
  date() { return this.wall.getUTCDate(); }
  hours() { return this.wall.getUTCHours(); }
  minutes() { return this.wall.getUTCMinutes(); }
  seconds() { return this.wall.getUTCSeconds(); }
  format() {
    const w = this.wall;
    const off = Math.round(this.offset(this.ms) / 60000);
    return pad(w.getUTCFullYear(), 4) + "-" + pad(w.getUTCMonth() + 1) + "-" + pad(w.getUTCDate()) +
      "T" + pad(w.getUTCHours()) + ":" + pad(w.getUTCMinutes()) + ":" + pad(w.getUTCSeconds()) +
      (off < 0 ? "-" : "+") + pad(Math.trunc(Math.abs(off) / 60)) + ":" + pad(Math.abs(off) % 60);
  }
}
function instant(input) {
  const ms = input instanceof Date ? input.getTime() : typeof input === "number" ? input : Date.parse(input);
  if (Number.isNaN(ms)) throw new Error("moment shim: cannot read " + String(input));
  return ms;
}
const UTC = () => 0;
/** moment(instant): only for .tz() or .utcOffset() after it. */
export default function moment(input) {
  return new Moment(instant(input), UTC);
}
const WALL = /^(\\d{4})-(\\d{2})-(\\d{2})(?:[ T](\\d{2}):(\\d{2})(?::(\\d{2}))?)?$/;
/** moment.tz(wall time string, zone) is that wall time in the zone; a Date, number or ISO string with an offset is that instant. */
moment.tz = (input, zone) => {
  const m = typeof input === "string" ? WALL.exec(input) : null;
  if (!m) return moment(input).tz(zone);
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0));
  const local = utcOf(y, mo - 1, d, h, mi, s);
  return new Moment(instantOf(zone, local), (ms) => offsetAt(zone, ms));
};
`;

export const MOMENT_TIMEZONE = /^moment-timezone$/;

export const momentShim = {
  name: "redial-moment-shim",
  setup(build) {
    onResolve(build, MOMENT_TIMEZONE, () => ({ path: "moment-timezone", namespace: "redial-moment-shim" }));
    onLoad(build, ANY, () => ({ contents: MOMENT_SHIM, loader: "js" }), "redial-moment-shim");
  },
};

export const MOMENT_TIMEZONE_SHIM = MOMENT_SHIM;

/**
 * holidayRulesAsJson: date-holidays' rules of every country (src/data.js, ~410 KB) are one object
 * literal, which V8 evaluates at import (~70 ms alone on this machine). In a bundle they are the same
 * data as a JSON text, parsed the first time the library reads them (~40 ms, off the cold start of a
 * request that decides nothing). Read from the installed file at build time, so nothing goes stale
 * on an upgrade; test/bundles/moment-shim.test.ts compares the holidays yielded.
 */
export const HOLIDAY_RULES_MODULE = /[\\/]node_modules[\\/]date-holidays[\\/]src[\\/]data\.js$/;

/**
 * A data module as JSON parsed on first use: each top-level value that is an object or array is a
 * getter that parses the module's JSON text the first time any of them is read; numbers, strings and
 * booleans stay plain values, so code that reads those at import (a name, a version) parses nothing.
 * `exported` is the module's named exports, or `{ default: value }` for a default export.
 */
function lazyJsonModule(exported) {
  const json = JSON.stringify(exported);
  // As a raw template, JSON's own quotes and escapes stay as they are (a "…" string adds ~30 KB).
  const text = /`|\$\{/.test(json) ? JSON.stringify(json) : `String.raw\`${json}\``;
  const lines = [`let parsed;`, `const load = () => (parsed ??= JSON.parse(${text}));`];
  for (const [name, value] of Object.entries(exported)) {
    const binding = name === "default" ? "__default" : name;
    const path = `load()[${JSON.stringify(name)}]`;
    if (value === null || typeof value !== "object") {
      lines.push(`const ${binding} = ${JSON.stringify(value)};`);
      continue;
    }
    if (Array.isArray(value)) throw new Error(`lazyJsonModule: ${name} is an array, not lazy here`);
    lines.push(`const ${binding} = {};`);
    const entries = Object.entries(value);
    const isPlain = (v) => v === null || typeof v !== "object";
    // In the object's own key order, as the installed module has them.
    lines.push(
      `for (const [key, lazy, plain] of ${JSON.stringify(
        entries.map(([k, v]) => (isPlain(v) ? [k, false, v] : [k, true])),
      )})`,
      `  Object.defineProperty(${binding}, key, lazy`,
      `    ? { enumerable: true, configurable: true, get: () => ${path}[key] }`,
      `    : { enumerable: true, configurable: true, writable: true, value: plain });`,
    );
  }
  for (const name of Object.keys(exported))
    lines.push(name === "default" ? `export default __default;` : `export { ${name} };`);
  return lines.join("\n");
}

export const holidayRulesAsJson = {
  name: "redial-holiday-rules-as-json",
  setup(build) {
    // Parsed on first use (the first Holidays built), not at import: a request that decides nothing
    // (GET /health, a bounce) does not pay for it. date-holidays reads only these top-level keys.
    onLoad(build, HOLIDAY_RULES_MODULE, async (args) => {
      const { data } = await import(new URL(`file://${args.path}`).href);
      return { contents: lazyJsonModule({ data }), loader: "js" };
    });
  },
};

/**
 * lazyDataAsJson: two more data modules that are object literals V8 compiles and builds at import,
 * and that GET /health never reads: astronomia's VSOP87 series of the Earth (~100 KB, for equinoxes in
 * date-holidays-parser; `new Planet(series)` at import reads only its `name` and `type`) and
 * libphonenumber-js/min's metadata (~80 KB, read when a phone number is first parsed). In a bundle
 * each is its JSON text, parsed the first time one of its objects is read. Read from the installed
 * files at build time; test/bundles compares what the bundle's modules hold with the files'.
 */
export const LAZY_DATA_MODULES =
  /[\\/]node_modules[\\/](astronomia[\\/]data[\\/]vsop87Bearth|libphonenumber-js[\\/]metadata\.min\.json)\.js$/;

export const lazyDataAsJson = {
  name: "redial-lazy-data-as-json",
  setup(build) {
    onLoad(build, LAZY_DATA_MODULES, async (args) => {
      const module = await import(new URL(`file://${args.path}`).href);
      return { contents: lazyJsonModule({ ...module }), loader: "js" };
    });
  },
};

export const lazyJsonModuleSource = lazyJsonModule;

export default [embeddedPlaybookOnly, momentShim, holidayRulesAsJson, lazyDataAsJson];
