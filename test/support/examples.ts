/**
 * The canonical example events of ../shared/examples/events (beside the repository, in CI too) and
 * the rule each must yield, as their README names it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const EXAMPLES_DIR = fileURLToPath(new URL("../../../shared/examples/events/", import.meta.url));

export const EXPECTED_RULE: Record<string, string> = {
  "01": "R2",
  "02": "R5",
  "03": "R8",
  "04": "R4",
  "05": "R0",
  "06": "R1",
};

export interface Example {
  file: string;
  rule: string;
  body: string;
  json: { occurredAt: string; prospect: { id: string } } & Record<string, unknown>;
}

export function loadExamples(dir = EXAMPLES_DIR): Example[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => {
      const body = readFileSync(`${dir}${file}`, "utf8");
      return { file, rule: EXPECTED_RULE[file.slice(0, 2)] ?? "?", body, json: JSON.parse(body) };
    });
}
