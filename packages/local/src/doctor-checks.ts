/**
 * The checks behind `redial doctor` (doctor.ts is the command): a pure function of injected AWS
 * clients, so the tests drive it with aws-sdk-client-mock. One finding per check, with what to fix
 * and where docs/deploy.md explains it; a failed call is a ✗ naming the error, never a throw.
 */
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ListTablesCommand,
} from "@aws-sdk/client-dynamodb";
import {
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  type SchedulerClient,
} from "@aws-sdk/client-scheduler";
import {
  GetAccountCommand,
  type GetAccountCommandOutput,
  GetConfigurationSetCommand,
  type GetConfigurationSetCommandOutput,
  GetConfigurationSetEventDestinationsCommand,
  GetEmailIdentityCommand,
  type GetEmailIdentityCommandOutput,
  type SESv2Client,
} from "@aws-sdk/client-sesv2";
import { TABLE } from "@redial/aws";

export const DOC = "docs/deploy.md";

export interface DoctorClients {
  ses: Pick<SESv2Client, "send">;
  scheduler: Pick<SchedulerClient, "send">;
  dynamo: Pick<DynamoDBClient, "send">;
  /** For GET <api>/health; the global fetch by default. */
  fetch?: (url: string, init?: { signal?: AbortSignal }) => Promise<{ status: number }>;
}

export interface DoctorTargets {
  stage: string;
  domain?: string | undefined;
  configurationSet?: string | undefined;
  scheduleGroup?: string | undefined;
  table?: string | undefined;
  apiUrl?: string | undefined;
}

export type Mark = "✓" | "✗" | "!";
export interface Finding {
  mark: Mark;
  text: string;
}

const ok = (text: string): Finding => ({ mark: "✓", text });
const bad = (text: string): Finding => ({ mark: "✗", text });
const warn = (text: string): Finding => ({ mark: "!", text });

/** The stage's resources are named `redial-<stage>-<Name><random>` by SST (sst.config.ts `name`). */
export const stagePrefix = (stage: string) => `redial-${stage}-`;

const errorName = (error: unknown) => (error as { name?: string }).name ?? "Error";
const errorText = (error: unknown) => `${errorName(error)}: ${(error as Error).message ?? String(error)}`;
const isNotFound = (error: unknown) =>
  ["NotFoundException", "ResourceNotFoundException"].includes(errorName(error));
const number = (value: number | undefined) => (value ?? 0).toLocaleString("en-US");

/** Every check, in a fixed order; never throws (a failed call is a ✗ with the error's name). */
export async function diagnose(clients: DoctorClients, targets: DoctorTargets): Promise<Finding[]> {
  return [
    ...(await sesAccount(clients)),
    ...(await sesIdentity(clients, targets)),
    ...(await configurationSet(clients, targets)),
    ...(await scheduleGroup(clients, targets)),
    ...(await table(clients, targets)),
    ...(await health(clients, targets)),
  ];
}

export function formatReport(findings: Finding[]): string {
  const failed = findings.filter((finding) => finding.mark === "✗").length;
  const warned = findings.filter((finding) => finding.mark === "!").length;
  const summary =
    failed === 0
      ? `All ${findings.length} checks passed${warned ? ` (${warned} to look at)` : ""}.`
      : `${failed} of ${findings.length} checks failed${warned ? `, ${warned} to look at` : ""}: see ${DOC}.`;
  return `${findings.map(({ mark, text }) => `${mark} ${text}`).join("\n")}\n${summary}\n`;
}

export const exitCode = (findings: Finding[]) => (findings.some((finding) => finding.mark === "✗") ? 1 : 0);

async function sesAccount({ ses }: DoctorClients): Promise<Finding[]> {
  let account: GetAccountCommandOutput;
  try {
    account = await ses.send(new GetAccountCommand({}));
  } catch (error) {
    return [bad(`SES account cannot be read (${errorText(error)}): check your AWS credentials and region`)];
  }
  const { ProductionAccessEnabled, SendingEnabled, SendQuota, EnforcementStatus } = account;
  const quota = `${number(SendQuota?.Max24HourSend)} a day, ${number(SendQuota?.MaxSendRate)}/s, ${number(SendQuota?.SentLast24Hours)} sent in the last 24 h`;
  const findings = [
    ProductionAccessEnabled
      ? ok(`SES account has production access (${quota})`)
      : bad(
          `SES account is in the sandbox (${quota}; verified recipients only): request production access (${DOC}#leaving-the-sandbox)`,
        ),
  ];
  if (SendingEnabled === false)
    findings.push(
      bad(
        `SES sending is paused for the account (enforcement: ${EnforcementStatus ?? "unknown"}): read the notice in the SES console, fix the cause, then resume (${DOC}#sending-paused)`,
      ),
    );
  else if (EnforcementStatus && EnforcementStatus !== "HEALTHY")
    findings.push(
      warn(
        `SES account enforcement status is ${EnforcementStatus}: bounce or complaint rates are too high; read the SES reputation page (${DOC}#deliverability)`,
      ),
    );
  return findings;
}

async function sesIdentity({ ses }: DoctorClients, { domain }: DoctorTargets): Promise<Finding[]> {
  if (!domain)
    return [
      warn(
        "No sending domain given: pass --domain or set REDIAL_EMAIL_DOMAIN to check the SES identity and its DKIM",
      ),
    ];
  let identity: GetEmailIdentityCommandOutput;
  try {
    identity = await ses.send(new GetEmailIdentityCommand({ EmailIdentity: domain }));
  } catch (error) {
    if (isNotFound(error))
      return [
        bad(
          `SES identity ${domain} does not exist in this region: deploy with REDIAL_EMAIL_DOMAIN=${domain}, or check --region (${DOC}#ses-domain)`,
        ),
      ];
    return [bad(`SES identity ${domain} cannot be read (${errorText(error)})`)];
  }
  const findings: Finding[] = [];
  findings.push(
    identity.VerifiedForSendingStatus
      ? ok(`SES identity ${domain} is verified for sending`)
      : bad(
          `SES identity ${domain} is not verified for sending: publish its 3 DKIM CNAME records (${DOC}#dns-records)`,
        ),
  );
  const dkim = identity.DkimAttributes?.Status ?? "NOT_STARTED";
  const dkimHelp: Record<string, string> = {
    PENDING: "SES has not seen the 3 CNAME records yet (it retries for 72 h)",
    FAILED: "SES gave up looking for the 3 CNAME records",
    TEMPORARY_FAILURE: "a DNS lookup failed; SES retries",
    NOT_STARTED: "DKIM signing was never set up",
  };
  findings.push(
    dkim === "SUCCESS"
      ? ok(`DKIM for ${domain} is SUCCESS`)
      : bad(
          `DKIM for ${domain} is ${dkim}: ${dkimHelp[dkim] ?? "see the SES console"}; publish the records (${DOC}#dns-records)`,
        ),
  );
  const mailFrom = identity.MailFromAttributes;
  if (!mailFrom?.MailFromDomain)
    findings.push(
      warn(
        `No custom MAIL FROM domain for ${domain}: SPF aligns with amazonses.com, not your domain; set one up (${DOC}#spf-mail-from)`,
      ),
    );
  else if (mailFrom.MailFromDomainStatus !== "SUCCESS")
    findings.push(
      bad(
        `MAIL FROM domain ${mailFrom.MailFromDomain} is ${mailFrom.MailFromDomainStatus}: publish its MX and SPF TXT records (${DOC}#spf-mail-from)`,
      ),
    );
  else findings.push(ok(`MAIL FROM domain ${mailFrom.MailFromDomain} is SUCCESS`));
  return findings;
}

/** The given name, else the only listed name with the stage's prefix; a ✗ when there is none or several. */
async function resolveName(
  what: string,
  given: string | undefined,
  prefix: string,
  list: () => Promise<string[]>,
  flag: string,
  stage: string,
): Promise<string | Finding> {
  if (given) return given;
  let names: string[];
  try {
    names = (await list()).filter((name) => name.startsWith(prefix));
  } catch (error) {
    return bad(`${what}s cannot be listed (${errorText(error)}): pass ${flag}`);
  }
  if (names.length === 1) return names[0] as string;
  if (names.length === 0)
    return bad(
      `No ${what} named ${prefix}…: deploy the stage (npx sst deploy --stage ${stage}) or pass ${flag}`,
    );
  return bad(`Several ${what}s named ${prefix}… (${names.join(", ")}): pass ${flag}`);
}

async function configurationSet({ ses }: DoctorClients, targets: DoctorTargets): Promise<Finding[]> {
  // stacks/email.ts names it `redial-<stage>` (sst.aws.Email's own set is another one, not used).
  const name = targets.configurationSet ?? `redial-${targets.stage}`;
  let set: GetConfigurationSetCommandOutput;
  try {
    set = await ses.send(new GetConfigurationSetCommand({ ConfigurationSetName: name }));
  } catch (error) {
    if (isNotFound(error))
      return [
        bad(
          `SES configuration set ${name} does not exist: deploy the stage (npx sst deploy --stage ${targets.stage})`,
        ),
      ];
    return [bad(`SES configuration set ${name} cannot be read (${errorText(error)})`)];
  }
  const findings: Finding[] = [];
  findings.push(
    set.SendingOptions?.SendingEnabled === false
      ? bad(
          `SES configuration set ${name} has sending paused: resume it (aws sesv2 put-configuration-set-sending-options --configuration-set-name ${name} --sending-enabled)`,
        )
      : ok(`SES configuration set ${name} exists`),
  );
  try {
    const { EventDestinations = [] } = await ses.send(
      new GetConfigurationSetEventDestinationsCommand({ ConfigurationSetName: name }),
    );
    const feedback = EventDestinations.some(
      (destination) =>
        destination.Enabled !== false &&
        destination.EventBridgeDestination &&
        ["BOUNCE", "COMPLAINT"].every((type) =>
          destination.MatchingEventTypes?.includes(type as "BOUNCE" | "COMPLAINT"),
        ),
    );
    findings.push(
      feedback
        ? ok(`Bounces and complaints from ${name} go to EventBridge (suppression list)`)
        : bad(
            `Bounces and complaints from ${name} reach no enabled EventBridge destination, so nobody is suppressed: redeploy the stage (npx sst deploy --stage ${targets.stage})`,
          ),
    );
  } catch (error) {
    findings.push(bad(`Event destinations of ${name} cannot be read (${errorText(error)})`));
  }
  return findings;
}

async function scheduleGroup({ scheduler }: DoctorClients, targets: DoctorTargets): Promise<Finding[]> {
  const prefix = stagePrefix(targets.stage);
  const name = await resolveName(
    "schedule group",
    targets.scheduleGroup,
    prefix,
    async () => {
      const names: string[] = [];
      let NextToken: string | undefined;
      do {
        const page = await scheduler.send(new ListScheduleGroupsCommand({ NamePrefix: prefix, NextToken }));
        names.push(...(page.ScheduleGroups ?? []).map((group) => group.Name ?? ""));
        NextToken = page.NextToken;
      } while (NextToken);
      return names;
    },
    "--schedule-group",
    targets.stage,
  );
  if (typeof name !== "string") return [name];
  try {
    const group = await scheduler.send(new GetScheduleGroupCommand({ Name: name }));
    return [
      group.State === "ACTIVE"
        ? ok(`Schedule group ${name} is ACTIVE`)
        : bad(
            `Schedule group ${name} is ${group.State ?? "in an unknown state"}: timers cannot be created; redeploy the stage (npx sst deploy --stage ${targets.stage})`,
          ),
    ];
  } catch (error) {
    if (isNotFound(error))
      return [
        bad(
          `Schedule group ${name} does not exist, so no timer can be created: deploy the stage (npx sst deploy --stage ${targets.stage}) or pass --schedule-group`,
        ),
      ];
    return [bad(`Schedule group ${name} cannot be read (${errorText(error)})`)];
  }
}

async function table({ dynamo }: DoctorClients, targets: DoctorTargets): Promise<Finding[]> {
  const name = await resolveName(
    "DynamoDB table",
    targets.table,
    `${stagePrefix(targets.stage)}Table`,
    async () => {
      const names: string[] = [];
      let ExclusiveStartTableName: string | undefined;
      do {
        const page = await dynamo.send(new ListTablesCommand({ ExclusiveStartTableName }));
        names.push(...(page.TableNames ?? []));
        ExclusiveStartTableName = page.LastEvaluatedTableName;
      } while (ExclusiveStartTableName);
      return names;
    },
    "--table",
    targets.stage,
  );
  if (typeof name !== "string") return [name];
  const findings: Finding[] = [];
  try {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: name }));
    findings.push(
      Table?.TableStatus === "ACTIVE"
        ? ok(`Table ${name} is ACTIVE (~${number(Table.ItemCount)} items)`)
        : bad(`Table ${name} is ${Table?.TableStatus ?? "unknown"}: wait for ACTIVE, or redeploy the stage`),
    );
    if (targets.stage === "prod" && !Table?.DeletionProtectionEnabled)
      findings.push(
        warn(
          `Table ${name} has no deletion protection on prod: redeploy (stacks/storage.ts sets it) or aws dynamodb update-table --table-name ${name} --deletion-protection-enabled`,
        ),
      );
  } catch (error) {
    if (isNotFound(error))
      return [
        bad(
          `Table ${name} does not exist: deploy the stage (npx sst deploy --stage ${targets.stage}) or pass --table`,
        ),
      ];
    return [bad(`Table ${name} cannot be read (${errorText(error)})`)];
  }
  try {
    const { ContinuousBackupsDescription: backups } = await dynamo.send(
      new DescribeContinuousBackupsCommand({ TableName: name }),
    );
    const pitr = backups?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus ?? "DISABLED";
    findings.push(
      pitr === "ENABLED"
        ? ok(`Point-in-time recovery is on for ${name}`)
        : bad(
            `Point-in-time recovery is ${pitr} for ${name}: aws dynamodb update-continuous-backups --table-name ${name} --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true`,
          ),
    );
  } catch (error) {
    findings.push(bad(`Backups of ${name} cannot be read (${errorText(error)})`));
  }
  try {
    const { TimeToLiveDescription: ttl } = await dynamo.send(
      new DescribeTimeToLiveCommand({ TableName: name }),
    );
    findings.push(
      ttl?.TimeToLiveStatus === "ENABLED" && ttl.AttributeName === TABLE.ttl
        ? ok(`TTL is on for ${name} (${TABLE.ttl})`)
        : bad(
            `TTL is ${ttl?.TimeToLiveStatus ?? "DISABLED"}${ttl?.AttributeName ? ` on ${ttl.AttributeName}` : ""} for ${name}, expected ENABLED on ${TABLE.ttl}: aws dynamodb update-time-to-live --table-name ${name} --time-to-live-specification Enabled=true,AttributeName=${TABLE.ttl}`,
          ),
    );
  } catch (error) {
    findings.push(bad(`TTL of ${name} cannot be read (${errorText(error)})`));
  }
  return findings;
}

async function health(clients: DoctorClients, { apiUrl }: DoctorTargets): Promise<Finding[]> {
  if (!apiUrl) return [];
  const url = `${apiUrl.replace(/\/+$/, "")}/health`;
  const get = clients.fetch ?? ((target: string, init?: { signal?: AbortSignal }) => fetch(target, init));
  try {
    const { status } = await get(url, { signal: AbortSignal.timeout(10_000) });
    return [
      status === 200
        ? ok(`GET ${url} answered 200`)
        : bad(`GET ${url} answered ${status}: check the API function's logs in CloudWatch`),
    ];
  } catch (error) {
    return [
      bad(`GET ${url} failed (${errorText(error)}): check --api-url (the \`api\` output of npx sst deploy)`),
    ];
  }
}

/** Bad command-line arguments: the message is for the user, the exit code is 2. */
