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

/** The trust policy of a role only Lambda may assume. */
export const LAMBDA_TRUST = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

/**
 * A function's role is assumed by Lambda alone. SST 4.17.1 also lets the account root assume it on
 * every deploy: its role code means to do that only in `sst dev` live mode (your machine runs the
 * function with the role), but tests an Output, always truthy. `sst dev` keeps SST's trust.
 */
export function lambdaOnlyTrust(args: aws.iam.RoleArgs): undefined {
  if (!$dev) args.assumeRolePolicy = JSON.stringify(LAMBDA_TRUST);
}

/**
 * What every Redial function is: Node 22 on Graviton, bundled as bundle.ts says (the playbook and
 * its templates embedded at build time; nothing is copied or read at run time), its role trusted by
 * Lambda alone. A function with a transform of its own keeps `...functionDefaults.transform`.
 */
export const functionDefaults = {
  runtime: "nodejs22.x",
  architecture: "arm64",
  nodejs: nodejsArgs(),
  transform: { role: lambdaOnlyTrust },
} as const;
