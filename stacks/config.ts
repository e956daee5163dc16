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

const optional = (name: string) => (process.env[name]?.trim() ? { [name]: process.env[name]?.trim() } : {});

export const stageConfig = {
  REDIAL_POSTAL_ADDRESS: required("REDIAL_POSTAL_ADDRESS"),
  // Unset: the playbook's team.timezone stands.
  ...optional("REDIAL_TEAM_TIMEZONE"),
  ...optional("REDIAL_EXPORT_RECIPIENTS"),
};
