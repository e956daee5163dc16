/**
 * Reads the email templates a team edits: every `*.liquid` file of `playbook/templates` at the
 * repository root (REDIAL_TEMPLATES points elsewhere; a Lambda bundle embeds them, see playbook.ts),
 * named by its file name. Parsing, validation and
 * rendering are core's (TemplateSet); a template the playbook names but nobody wrote fails here, at
 * start-up, not at send time.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkPlaybookTemplates, type Playbook, RedialError, TemplateSet } from "@redial/core";
import { embeddedPlaybook, loadPlaybook } from "./playbook.ts";

export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL("../../../playbook/templates", import.meta.url));

const EXTENSION = ".liquid";

export function loadTemplates(
  given = process.env.REDIAL_TEMPLATES,
  playbook: Pick<Playbook, "sequences"> = loadPlaybook(),
): TemplateSet {
  // A folder given (argument or REDIAL_TEMPLATES) wins; else the bundle's copy; else the repository's.
  const embedded = given === undefined ? embeddedPlaybook() : undefined;
  const dir = embedded ? "the bundled templates" : (given ?? DEFAULT_TEMPLATES_DIR);
  const sources = embedded ? embedded.templates : readTemplates(dir);
  const templates = new TemplateSet(sources);
  const missing = checkPlaybookTemplates(playbook, templates);
  if (missing.length > 0) {
    const lines = missing.map((m) => `  ${m.path}: no file ${m.template}${EXTENSION}`);
    throw new RedialError(
      "invalid",
      `The playbook uses templates that ${dir} does not have:\n${lines.join("\n")}`,
      missing.map(({ path, message }) => ({ path, message })),
    );
  }
  return templates;
}

function readTemplates(dir: string): Record<string, string> {
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
