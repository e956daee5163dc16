/**
 * The playbook and its templates read from disk, as a team edits them: `playbook/playbook.yaml` and
 * `playbook/templates/*.liquid` at the repository root, or the file and folder given
 * (REDIAL_PLAYBOOK, REDIAL_TEMPLATES). For running from source (npm start, tests, the CLI).
 *
 * A Lambda bundle does not read files: it embeds both, parsed and split at build time (playbook.ts),
 * and stacks/esbuild-plugins.mjs swaps this module for a stub that says so, which also leaves the
 * YAML parser out of every bundle.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Playbook, parsePlaybook, parseTemplates, RedialError, type TemplateSet } from "@redial/core";

export const DEFAULT_PLAYBOOK_PATH = fileURLToPath(
  new URL("../../../playbook/playbook.yaml", import.meta.url),
);
export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL("../../../playbook/templates", import.meta.url));

const EXTENSION = ".liquid";

export function readPlaybookFile(file = DEFAULT_PLAYBOOK_PATH): Playbook {
  return parsePlaybook(readFileSync(file, "utf8"), basename(file));
}

/** The folder's templates, parsed, and how to name the folder in an error. */
export function readTemplateFiles(dir = DEFAULT_TEMPLATES_DIR): [TemplateSet, string] {
  return [parseTemplates(readTemplateSources(dir)), dir];
}

/** Every `*.liquid` file of the folder as text, named by its file name without `.liquid`. */
export function readTemplateSources(dir = DEFAULT_TEMPLATES_DIR): Record<string, string> {
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith(EXTENSION));
  } catch (error) {
    throw new RedialError(
      "invalid",
      `Cannot read the templates folder ${dir} (REDIAL_TEMPLATES): ${(error as Error).message}`,
    );
  }
  return Object.fromEntries(
    files.sort().map((file) => [file.slice(0, -EXTENSION.length), readFileSync(join(dir, file), "utf8")]),
  );
}
