/**
 * In AWS the secrets and the table's name come from SST links (linked.ts), not from the function's
 * environment; locally and in tests there are no links and the environment is used as is. Either
 * way loadConfig() then reads the same REDIAL_* variables (CONTRACT.md "Configuration").
 */
import { Resource } from "sst/resource";
import { withLinks } from "./linked.ts";

/**
 * `env` with the linked resources' values over it, inside a function SST deployed (it sets
 * SST_RESOURCE_App, and SST_KEY/SST_KEY_FILE for the encrypted links). SST's Resource reads the
 * process's own environment and resource.enc, once, on first use.
 */
export function linkedEnvironment(
  env: Record<string, string | undefined> = process.env,
): Record<string, string | undefined> {
  if (!env.SST_RESOURCE_App) return env;
  return withLinks(env, Resource);
}
