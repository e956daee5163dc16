/**
 * How every function is bundled, one definition for SST (`nodejs` of each sst.aws.Function, see
 * functionDefaults in config.ts) and for `npm run build:functions` (scripts/build-functions.ts), so
 * the bundles the tests and the cold-start benchmark run are the ones a deploy ships:
 *
 * - ESM for node22, minified, `@aws-sdk/*` left to the Lambda runtime (nodejs22.x ships SDK v3).
 * - The playbook embedded: `playbook/playbook.yaml` parsed and validated and every template split
 *   and compiled now, at build time (a bad playbook fails the deploy, as it would fail start-up), and
 *   set as `globalThis.__REDIAL_EMBEDDED__` by the banner, before any bundled code runs
 *   (packages/functions/src/playbook.ts reads it). No files are copied and none are read.
 * - esbuild-plugins.mjs: the file readers replaced by a stub, so no YAML parser in any bundle, and
 *   moment-timezone (date-holidays') replaced by a small stand-in over Intl, so no tz database.
 */
import { join } from "node:path";
import { checkPlaybookTemplates, compileTemplates, splitTemplates } from "../packages/core/src/index.ts";
import { EMBEDDED_GLOBAL, type EmbeddedPlaybook } from "../packages/functions/src/playbook.ts";
import { readPlaybookFile, readTemplateSources } from "../packages/functions/src/playbook-files.ts";

/** Relative to sst.config.ts, as SST resolves `nodejs.plugins`. */
export const ESBUILD_PLUGINS_FILE = "stacks/esbuild-plugins.mjs";

/** The esbuild options SST takes from `nodejs.esbuild` (it reads `external` and `target`). */
export const ESBUILD_OPTIONS: { external: string[]; target: string } = {
  external: ["@aws-sdk/*"],
  target: "node22",
};

/** The lines SST's Node build (pkg/runtime/node/build.go) puts above `nodejs.banner` in an ESM bundle. */
export const SST_BANNER = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  `const require = topLevelCreateRequire(import.meta.url);`,
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
  `const __filename = topLevelFileUrlToPath(import.meta.url)`,
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
];

/**
 * The repository's playbook and templates, checked as start-up would check them, ready to embed.
 * From the working directory, not this module's URL: SST bundles sst.config.ts and stacks/ into
 * .sst/platform/sst.config.<n>.mjs and runs that from the project root, so `import.meta.url` points
 * into .sst, while the CLI (and npm scripts) run in the root.
 */
export function embeddedPlaybook(root = process.cwd()): EmbeddedPlaybook {
  const playbook = readPlaybookFile(join(root, "playbook/playbook.yaml"));
  const templates = splitTemplates(readTemplateSources(join(root, "playbook/templates")));
  const missing = checkPlaybookTemplates(playbook, compileTemplates(templates));
  if (missing.length > 0) {
    throw new Error(
      `The playbook uses templates that do not exist: ${missing.map((m) => m.template).join(", ")}`,
    );
  }
  return { file: "playbook.yaml", playbook, templates };
}

/** `nodejs.banner`: the embedded playbook, set before any bundled code runs. */
export function embeddedBanner(embedded: EmbeddedPlaybook = embeddedPlaybook()): string {
  return `globalThis.${EMBEDDED_GLOBAL} = ${JSON.stringify(embedded)};`;
}

/** Every function's `nodejs` arguments. */
export function nodejsArgs() {
  return {
    format: "esm" as const,
    minify: true,
    banner: embeddedBanner(),
    plugins: ESBUILD_PLUGINS_FILE,
    esbuild: { ...ESBUILD_OPTIONS, external: [...ESBUILD_OPTIONS.external] },
  };
}
