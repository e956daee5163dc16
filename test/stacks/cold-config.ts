/**
 * A function's configuration as its cold start loads it in AWS: a Node process in the function's
 * build directory (where SST puts the encrypted links, resource.enc), with exactly the environment
 * SST gives the Lambda, reading the links through SST's own `sst/resource` (linkedEnvironment) and
 * loading the function's parts (FUNCTION_CONFIG). Returns what loaded and the names of the links it
 * could read, or the error it stopped with.
 */
import { spawnSync } from "node:child_process";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const CONFIG = fileURLToPath(new URL("../../packages/functions/src/config/index.ts", import.meta.url));

const SCRIPT = `
const { FUNCTION_CONFIG, linkedEnvironment, loadConfig } = await import(process.env.CONFIG_MODULE);
const { Resource } = await import("sst/resource");
try {
  const config = loadConfig(linkedEnvironment(), FUNCTION_CONFIG[process.env.FUNCTION_KEY]);
  const links = Object.keys(Resource).filter((name) => name !== "App").sort();
  process.stdout.write(JSON.stringify({ config, links }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: String(error.message) }));
}`;

export function coldConfig(
  bundleFile: string,
  functionKey: string,
  environment: Record<string, string>,
): { config?: Record<string, unknown>; links?: string[]; error?: string } {
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", SCRIPT], {
    cwd: dirname(bundleFile),
    // Nothing of this process's environment but what Node needs to run: the Lambda's, as SST sets it.
    env: { PATH: process.env.PATH ?? "", ...environment, CONFIG_MODULE: CONFIG, FUNCTION_KEY: functionKey },
    encoding: "utf8",
  });
  if (child.status !== 0) return { error: child.stderr.slice(0, 500) };
  return JSON.parse(child.stdout);
}
