/**
 * SST's real platform (`npm run sst:install` writes it to .sst/platform, ~300 MB, kept out of git).
 * Tests that need it skip with a message on a developer machine without it; under CI=true a missing
 * platform fails instead, so CI can never pass by skipping them.
 */
import { fileURLToPath } from "node:url";
import { platformMissing } from "../../scripts/stacks/run-mocked.ts";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const PLATFORM_DIR = `${ROOT}.sst/platform`;

/** `describe.skipIf(skipWithoutPlatform())`: true (skip) without the platform, unless CI=true. */
export function skipWithoutPlatform(): boolean {
  const missing = platformMissing();
  if (missing === undefined) return false;
  if (process.env.CI === "true") throw new Error(`${missing}; under CI=true this is a failure, not a skip`);
  console.warn(`skipped: ${missing}`);
  return true;
}
