/**
 * SST's real platform (`npm run sst:install` writes it to .sst/platform, ~300 MB, kept out of git).
 * Tests that need it skip with a message on a developer machine without it; under CI=true a missing
 * platform fails instead, so CI can never pass by skipping them.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const PLATFORM_DIR = `${ROOT}.sst/platform`;
export const hasPlatform = existsSync(`${PLATFORM_DIR}/package.json`);

const MISSING =
  "SST's platform is not installed (.sst/platform): run `npm run sst:install` (offline, ~1 min)";

/** `describe.skipIf(skipWithoutPlatform())`: true (skip) without the platform, unless CI=true. */
export function skipWithoutPlatform(): boolean {
  if (hasPlatform) return false;
  if (process.env.CI === "true") throw new Error(`${MISSING}; under CI=true this is a failure, not a skip`);
  console.warn(`skipped: ${MISSING}`);
  return true;
}
