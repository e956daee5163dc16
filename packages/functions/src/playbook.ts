/**
 * Reads the playbook file a team edits. The default is `playbook/playbook.yaml` at the repository
 * root; REDIAL_PLAYBOOK points elsewhere. A Lambda bundle (scripts/build-functions.ts) carries the
 * playbook already parsed and validated at build time, and its templates as text, used when no path
 * is given: a cold start then neither parses YAML nor validates (the zone check alone loads ICU's
 * time-zone data, ~10 ms). Parsing and validation are core's (parsePlaybook).
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { type Playbook, parsePlaybook } from "@redial/core";

export const DEFAULT_PLAYBOOK_PATH = fileURLToPath(
  new URL("../../../playbook/playbook.yaml", import.meta.url),
);

/**
 * What a bundle embeds (set by its banner, before any of its code runs): `playbook/playbook.yaml`
 * as parsePlaybook returned it at build time, and every `playbook/templates/*.liquid` as text,
 * templates named by file name without `.liquid`.
 */
export interface EmbeddedPlaybook {
  file: string;
  playbook: Playbook;
  templates: Record<string, string>;
}

export const EMBEDDED_GLOBAL = "__REDIAL_EMBEDDED__";

/** The bundle's embedded playbook and templates; undefined when running from source. */
export function embeddedPlaybook(): EmbeddedPlaybook | undefined {
  return (globalThis as Record<string, unknown>)[EMBEDDED_GLOBAL] as EmbeddedPlaybook | undefined;
}

export function loadPlaybook(path = process.env.REDIAL_PLAYBOOK, teamTimezone?: string): Playbook {
  // A path given (argument or REDIAL_PLAYBOOK) wins; else the bundle's copy; else the repository's file.
  const embedded = path === undefined ? embeddedPlaybook() : undefined;
  const file = path ?? DEFAULT_PLAYBOOK_PATH;
  const playbook = embedded ? embedded.playbook : parsePlaybook(readFileSync(file, "utf8"), basename(file));
  return teamTimezone ? { ...playbook, team: { ...playbook.team, timezone: teamTimezone } } : playbook;
}
