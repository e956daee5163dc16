/**
 * What stops a deploy before anything is created: the program's own checks of the deploying shell's
 * variables, run as `sst deploy` runs them (SST's real components under Pulumi's mocks, as in
 * sst-mocked.test.ts). Each case is one run of the program with one thing wrong.
 */
import { describe, expect, it } from "vitest";
import { runMocked } from "../../scripts/stacks/run-mocked.ts";
import { SAMPLE_ENV } from "../../scripts/stacks/sample-env.ts";
import { skipWithoutPlatform } from "../support/sst-platform.ts";

const deploy = (env: Record<string, string | undefined>) =>
  runMocked({
    stage: "ci-deploy-time",
    env: Object.fromEntries(
      Object.entries({ ...SAMPLE_ENV, ...env }).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    ),
  });

describe.skipIf(skipWithoutPlatform())("a deploy stops, naming the problem", () => {
  it("on a source name that is not lowercase letters and digits, naming each", async () => {
    await expect(deploy({ REDIAL_CRM_SOURCES: "hubspot Hub-Spot acme_crm" })).rejects.toThrow(
      'REDIAL_CRM_SOURCES: not a source name: "Hub-Spot", "acme_crm"',
    );
  }, 120_000);

  it("while the variable REDIAL_CRM_SOURCES replaced, REDIAL_WEBHOOK_SOURCES, is still set", async () => {
    await expect(deploy({ REDIAL_WEBHOOK_SOURCES: "hubspot" })).rejects.toThrow(
      /REDIAL_WEBHOOK_SOURCES is now REDIAL_CRM_SOURCES/,
    );
  }, 120_000);

  it("without a required setting (the postal address every email prints)", async () => {
    await expect(deploy({ REDIAL_POSTAL_ADDRESS: undefined })).rejects.toThrow(
      /Set REDIAL_POSTAL_ADDRESS in the environment before deploying/,
    );
  }, 120_000);
});
