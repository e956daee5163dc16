/**
 * The playbook a function runs, and its templates. From source they are read from disk
 * (playbook-files.ts: `playbook/playbook.yaml` and `playbook/templates`, or REDIAL_PLAYBOOK and
 * REDIAL_TEMPLATES). A Lambda bundle carries both in its banner instead (stacks/bundle.ts), the
 * playbook parsed and validated and the templates split at build time, so a cold start reads no
 * files, parses no YAML and does not validate zones (the zone check alone loads ICU's time-zone
 * data, ~10 ms).
 */
import { compileTemplates, type Playbook, type TemplateParts, type TemplateSet } from "@redial/core";
import { readPlaybookFile, readTemplateFiles } from "./playbook-files.ts";

/**
 * What a bundle embeds (set by its banner, before any of its code runs): `playbook/playbook.yaml`
 * as parsePlaybook returned it, and every `playbook/templates/*.liquid` split into its parts, named
 * by file name without `.liquid`.
 */
export interface EmbeddedPlaybook {
  file: string;
  playbook: Playbook;
  templates: Record<string, TemplateParts>;
}

export const EMBEDDED_GLOBAL = "__REDIAL_EMBEDDED__";

/** The bundle's embedded playbook and templates; undefined when running from source. */
export function embeddedPlaybook(): EmbeddedPlaybook | undefined {
  return (globalThis as Record<string, unknown>)[EMBEDDED_GLOBAL] as EmbeddedPlaybook | undefined;
}

/** A path given (argument or REDIAL_PLAYBOOK) wins; else the bundle's copy; else the repository's file. */
export function loadPlaybook(path = process.env.REDIAL_PLAYBOOK, teamTimezone?: string): Playbook {
  const embedded = path === undefined ? embeddedPlaybook() : undefined;
  const playbook = embedded ? embedded.playbook : readPlaybookFile(path);
  return teamTimezone ? { ...playbook, team: { ...playbook.team, timezone: teamTimezone } } : playbook;
}

/**
 * A folder given (argument or REDIAL_TEMPLATES) wins; else the bundle's copy; else the repository's
 * folder. Returns the templates and how to name where they came from in an error.
 */
export function loadTemplateSet(dir = process.env.REDIAL_TEMPLATES): [TemplateSet, string] {
  const embedded = dir === undefined ? embeddedPlaybook() : undefined;
  return embedded ? [compileTemplates(embedded.templates), "the bundled templates"] : readTemplateFiles(dir);
}
