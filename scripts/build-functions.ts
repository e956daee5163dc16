/**
 * `npm run build:functions`: every Lambda entry bundled with esbuild as SST builds it for the
 * nodejs22.x runtime (stacks/bundle.ts: one ESM file, node22, minified, SST's banner and plugins), into `.build/functions/<name>/index.mjs`, with
 * a size report in `.build/functions/sizes.json`. Fails when a bundle is over its budget: 1.3 MB for
 * the API, 1.25 MB for the others, minified (raised from 1 MB / 500 KB for G2's holiday rules of
 * every country: docs/decisions.md, "Holidays of every country").
 *
 * - Entries: every `packages/functions/src/**\/lambda.ts` (named by its folder: `api`, `timers`, …)
 *   and `reconcile.ts` (named `<folder>-reconcile`).
 * - `@aws-sdk/*` is external: the Lambda Node.js 18+ runtimes ship the AWS SDK for JavaScript v3, so
 *   a bundle imports it from the runtime. It is the only thing left out of the budget.
 * - The playbook and its templates are embedded: the banner sets `globalThis.__REDIAL_EMBEDDED__`
 *   (packages/functions/src/playbook.ts) before any bundled code runs, so a bundle reads no files,
 *   and stacks/esbuild-plugins.mjs leaves the file readers (and the YAML parser) out, and gives
 *   date-holidays an Intl-based stand-in for moment-timezone (and its 730 KB tz database).
 * - SST's own banner lines (`createRequire`) let bundled CommonJS dependencies `require()` built-ins.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile, type Plugin } from "esbuild";
import type { EmbeddedPlaybook } from "../packages/functions/src/playbook.ts";
import {
  ESBUILD_OPTIONS,
  ESBUILD_PLUGINS_FILE,
  embeddedBanner,
  embeddedPlaybook,
  SST_BANNER,
} from "../stacks/bundle.ts";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const OUT_DIR = join(ROOT, ".build/functions");
const SOURCE_DIR = join(ROOT, "packages/functions/src");

/**
 * Minified bytes of index.mjs, AWS SDK excluded (external). 1 MB = 1,000,000 bytes. Every function
 * that decides carries date-holidays (~450 KB of rules, ~160 KB of astronomy for equinoxes): the
 * budgets leave ~8 % above today's bundles (docs/decisions.md, "Holidays of every country").
 */
export const BUDGETS = { api: 1_300_000, other: 1_250_000 } as const;

export interface FunctionEntry {
  name: string;
  /** Relative to the repository root. */
  entry: string;
}

export interface FunctionSize {
  name: string;
  entry: string;
  /** Relative to the repository root. */
  bundle: string;
  bytes: number;
  gzipBytes: number;
  budget: number;
  withinBudget: boolean;
  /** The AWS SDK packages the bundle imports (external, from the Lambda runtime), sorted. */
  awsSdk: string[];
  /** The largest contributors (a package, or `packages/<name>` for the monorepo's own), bytes in the output. */
  largest: { input: string; bytes: number }[];
}

export interface BuildReport {
  builtAt: string;
  esbuild: { platform: "node"; format: "esm"; target: string; minify: true; external: string[] };
  functions: FunctionSize[];
  ok: boolean;
}

/** The Lambda entries, found by file name so a new one is built (and budgeted) without a list to edit. */
export function functionEntries(): FunctionEntry[] {
  const files = readdirSync(SOURCE_DIR, { recursive: true, encoding: "utf8" })
    .filter((file) => ["lambda.ts", "reconcile.ts"].includes(basename(file)))
    .sort();
  return files.map((file) => {
    const folder = basename(dirname(join(SOURCE_DIR, file)));
    const name = basename(file) === "lambda.ts" ? folder : `${folder}-${basename(file, ".ts")}`;
    return { name, entry: relative(ROOT, join(SOURCE_DIR, file)) };
  });
}

export const budgetFor = (name: string) => (name === "api" ? BUDGETS.api : BUDGETS.other);

const ESBUILD = {
  platform: "node",
  format: "esm",
  target: ESBUILD_OPTIONS.target,
  minify: true,
  // SST always bundles with keepNames (pkg/runtime/node/build.go): the same here, so the cold start
  // measured is the one deployed.
  keepNames: true,
  external: [...ESBUILD_OPTIONS.external],
} as const;

/**
 * The banner every bundle starts with: SST's lines (`require` for CommonJS dependencies, `__dirname`),
 * then `nodejs.banner`, the embedded playbook (none with `null`, for a bundle that is not Redial's,
 * e.g. the benchmark's minimal handler).
 */
export function banner(embedded: EmbeddedPlaybook | null = embeddedPlaybook()): string {
  return [...SST_BANNER, ...(embedded ? [embeddedBanner(embedded)] : [])].join("\n");
}

export async function buildFunctions(outDir = OUT_DIR): Promise<BuildReport> {
  rmSync(outDir, { recursive: true, force: true });
  const js = banner();
  const plugins = (await import(join(ROOT, ESBUILD_PLUGINS_FILE))).default as Plugin[];
  const functions: FunctionSize[] = [];
  for (const { name, entry } of functionEntries()) {
    const outfile = join(outDir, name, "index.mjs");
    const result = await build({
      ...ESBUILD,
      external: [...ESBUILD.external],
      entryPoints: [join(ROOT, entry)],
      bundle: true,
      outfile,
      sourcemap: false,
      legalComments: "none",
      banner: { js },
      plugins,
      metafile: true,
      logLevel: "warning",
    });
    const code = readFileSync(outfile);
    const budget = budgetFor(name);
    functions.push({
      name,
      entry,
      bundle: relative(ROOT, outfile),
      bytes: code.length,
      gzipBytes: gzipSync(code).length,
      budget,
      withinBudget: code.length <= budget,
      awsSdk: externalImports(result.metafile),
      largest: largestInputs(result.metafile),
    });
  }
  const report: BuildReport = {
    builtAt: new Date().toISOString(),
    esbuild: { ...ESBUILD, external: [...ESBUILD.external] },
    functions,
    ok: functions.every((f) => f.withinBudget),
  };
  writeFileSync(join(outDir, "sizes.json"), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

function externalImports(metafile: Metafile): string[] {
  const found = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const { path, external } of output.imports)
      if (external && path.startsWith("@aws-sdk/")) found.add(path);
  }
  return [...found].sort();
}

/** Output bytes per package (node_modules/<pkg>) or monorepo package, largest first. */
function largestInputs(metafile: Metafile, count = 6): { input: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match =
        /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path) ?? /(packages\/[^/]+)/.exec(path) ?? undefined;
      const key = match?.[1] ?? path;
      totals.set(key, (totals.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([input, bytes]) => ({ input, bytes }));
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

export function formatReport(report: BuildReport): string {
  const lines = report.functions.map(
    (f) =>
      `${f.withinBudget ? "ok  " : "OVER"} ${f.name.padEnd(18)} ${kb(f.bytes).padStart(10)} (gzip ${kb(f.gzipBytes)}) budget ${kb(f.budget)}  ${f.bundle}`,
  );
  return `${lines.join("\n")}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const report = await buildFunctions();
  process.stdout.write(formatReport(report));
  process.stdout.write(`sizes: ${relative(ROOT, join(OUT_DIR, "sizes.json"))}\n`);
  if (!report.ok) {
    process.stderr.write("build:functions: a bundle is over its size budget\n");
    process.exit(1);
  }
}
