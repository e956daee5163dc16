/**
 * Reads the playbook file a team edits. The default is `playbook/playbook.yaml` at the repository
 * root; REDIAL_PLAYBOOK points elsewhere. Parsing and validation are core's (parsePlaybook).
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { type Playbook, parsePlaybook } from "@redial/core";

export const DEFAULT_PLAYBOOK_PATH = fileURLToPath(
  new URL("../../../playbook/playbook.yaml", import.meta.url),
);

export function loadPlaybook(
  path = process.env.REDIAL_PLAYBOOK ?? DEFAULT_PLAYBOOK_PATH,
  teamTimezone?: string,
): Playbook {
  const playbook = parsePlaybook(readFileSync(path, "utf8"), basename(path));
  return teamTimezone ? { ...playbook, team: { ...playbook.team, timezone: teamTimezone } } : playbook;
}
