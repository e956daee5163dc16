import { parse as parseYaml } from "yaml";
import { formatPath, RedialError } from "../errors.ts";
import { Playbook } from "../schemas/playbook.ts";

/**
 * Parses and validates a playbook from its YAML text. Pure: the caller reads the file.
 * Fails with every problem at once, each naming its field, e.g.
 * `playbook.yaml: tiers.B.recycleAfterDays: Invalid input: expected number, received string`.
 */
export function parsePlaybook(source: string, fileName = "playbook.yaml"): Playbook {
  let raw: unknown;
  try {
    raw = parseYaml(source);
  } catch (error) {
    throw new RedialError("invalid", `${fileName}: not valid YAML: ${(error as Error).message}`);
  }
  const result = Playbook.safeParse(raw);
  if (result.success) return result.data;
  const errors = result.error.issues.map((i) => ({
    path: formatPath(i.path) || "(root)",
    message: i.message,
  }));
  throw new RedialError(
    "invalid",
    `${fileName} is not a valid playbook:\n${errors.map((e) => `  ${fileName}: ${e.path}: ${e.message}`).join("\n")}`,
    errors,
  );
}
