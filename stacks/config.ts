/**
 * Stage configuration that is not secret, read from the deploying shell's environment
 * (`REDIAL_POSTAL_ADDRESS="…" REDIAL_EMAIL_DOMAIN=acme.example npx sst deploy --stage prod`). A
 * missing required value stops the deploy here, not at the first email. Also what every function
 * shares: runtime, architecture, bundling and the account/region for ARNs.
 */
import { nodejsArgs } from "./bundle";

export function required(name: string): string {
  const value = process.env[name]?.trim();
  if (!value) throw new Error(`Set ${name} in the environment before deploying (see docs/ and README)`);
  return value;
}

export const optionalEnv = (name: string): string | undefined => process.env[name]?.trim() || undefined;

/** A Lambda environment as SST types it: every value a string or an output of one, never undefined. */
export type Environment = Record<string, $util.Input<string>>;

const optional = (name: string): Environment => {
  const value = optionalEnv(name);
  return value ? { [name]: value } : {};
};

export const stageConfig: Environment = {
  REDIAL_POSTAL_ADDRESS: required("REDIAL_POSTAL_ADDRESS"),
  // Unset: the playbook's team.timezone stands.
  ...optional("REDIAL_TEAM_TIMEZONE"),
  ...optional("REDIAL_EXPORT_RECIPIENTS"),
};

/** The domain verified in SES; every email goes out from an address at it. */
export const emailDomain = required("REDIAL_EMAIL_DOMAIN");

export const region = aws.getRegionOutput().name;
export const accountId = aws.getCallerIdentityOutput().accountId;

/** A function's physical name, fixed so that its ARN is known before it exists (see stacks/scheduler.ts). */
export const functionName = (name: string) => `${$app.name}-${$app.stage}-${name}`;
export const functionArn = (name: string) =>
  $interpolate`arn:aws:lambda:${region}:${accountId}:function:${functionName(name)}`;

/**
 * What every Redial function is: Node 22 on Graviton, bundled as bundle.ts says (the playbook and
 * its templates embedded at build time; nothing is copied or read at run time).
 */
export const functionDefaults = {
  runtime: "nodejs22.x",
  architecture: "arm64",
  nodejs: nodejsArgs(),
} as const;
