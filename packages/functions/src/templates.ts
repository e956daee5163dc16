/**
 * The email templates a team edits: every `*.liquid` file of `playbook/templates` at the repository
 * root (REDIAL_TEMPLATES points elsewhere), named by its file name; a Lambda bundle carries them
 * already split (playbook.ts). Parsing, validation and rendering are core's; a template the playbook
 * names but nobody wrote fails here, at start-up, not at send time.
 */
import { checkPlaybookTemplates, type Playbook, RedialError, type TemplateSet } from "@redial/core";
import { loadPlaybook, loadTemplateSet } from "./playbook.ts";

export function loadTemplates(
  given = process.env.REDIAL_TEMPLATES,
  playbook: Pick<Playbook, "sequences"> = loadPlaybook(),
): TemplateSet {
  const [templates, dir] = loadTemplateSet(given);
  const missing = checkPlaybookTemplates(playbook, templates);
  if (missing.length > 0) {
    const lines = missing.map((m) => `  ${m.path}: no file ${m.template}.liquid`);
    throw new RedialError(
      "invalid",
      `The playbook uses templates that ${dir} does not have:\n${lines.join("\n")}`,
      missing.map(({ path, message }) => ({ path, message })),
    );
  }
  return templates;
}
