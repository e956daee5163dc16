/**
 * Stage configuration that is not secret, read from the deploying shell's environment
 * (`REDIAL_POSTAL_ADDRESS="…" npx sst deploy --stage prod`). A missing required value stops the
 * deploy here, not at the first email.
 */
function required(name: string): string {
  const value = process.env[name]?.trim();
  if (!value) throw new Error(`Set ${name} in the environment before deploying (see docs/ and README)`);
  return value;
}

export const stageConfig = {
  REDIAL_POSTAL_ADDRESS: required("REDIAL_POSTAL_ADDRESS"),
  REDIAL_TEAM_TIMEZONE: process.env.REDIAL_TEAM_TIMEZONE ?? "America/New_York",
  REDIAL_EXPORT_RECIPIENTS: process.env.REDIAL_EXPORT_RECIPIENTS ?? "",
};
