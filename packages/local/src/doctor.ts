/**
 * `redial doctor --stage <stage>`: checks what a deployed stage needs and can be reached with the
 * caller's AWS credentials and region (SES account and sandbox, the sending identity and its DKIM,
 * the configuration set and where its bounces go, the schedule group, the table with PITR and TTL,
 * and optionally the API's /health), one line per check with what to fix (docs/deploy.md).
 *
 * The checks themselves are doctor-checks.ts (`diagnose`, pure over injected clients); this file is
 * the command: its flags, where names come from, the report and the exit code.
 * Names come from flags, then an SST outputs file (--outputs), then REDIAL_* variables; otherwise the
 * configuration set is `redial-<stage>` (stacks/email.ts) and the table and schedule group are found by
 * the prefix SST gives physical names, `redial-<stage>-`: exactly one match is used, none or several is
 * a failed check that says which flag to pass.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { type DoctorClients, type DoctorTargets, diagnose, exitCode, formatReport } from "./doctor-checks.ts";

export {
  type DoctorClients,
  type DoctorTargets,
  diagnose,
  exitCode,
  type Finding,
  formatReport,
  type Mark,
  stagePrefix,
} from "./doctor-checks.ts";

export const DOCTOR_HELP = `redial doctor — check a deployed stage's settings and say what to fix

Usage: npx redial doctor --stage <stage> [options]

Options:
  --stage <name>              the SST stage (dev, staging, prod, …); required
  --domain <domain>           the sending domain (default: REDIAL_EMAIL_DOMAIN)
  --configuration-set <name>  the SES configuration set (default: REDIAL_SES_CONFIGURATION_SET,
                              else redial-<stage>, as stacks/email.ts names it)
  --schedule-group <name>     the EventBridge Scheduler group (default: REDIAL_SCHEDULE_GROUP,
                              else the one group whose name starts with redial-<stage>-)
  --table <name>              the DynamoDB table (default: REDIAL_TABLE_NAME, else the one table
                              whose name starts with redial-<stage>-Table)
  --api-url <url>             the API's base URL, for GET /health (default: REDIAL_API_URL; the
                              \`api\` output of \`npx sst deploy\`); skipped when unset
  --outputs <file.json>       take the names from the outputs of \`npx sst deploy --stage <stage>\`
                              (api, table, sender, configurationSet, scheduleGroup), e.g.
                              .sst/outputs.json right after deploying that stage; flags win
  --region <region>           the AWS region (default: the SDK's, e.g. AWS_REGION or the profile)
  -h, --help                  this text

Credentials and region are the AWS SDK's defaults (AWS_PROFILE, environment, SSO, …).
Each check prints one line: ✓ fine, ✗ must be fixed, ! worth a look. The fixes are in docs/deploy.md.
Exit codes: 0 no ✗, 1 at least one ✗, 2 bad arguments.
`;

export class DoctorUsageError extends Error {
  override readonly name = "DoctorUsageError";
}

export interface DoctorOptions extends DoctorTargets {
  region?: string | undefined;
  help: boolean;
}

export function parseDoctorArgs(
  args: string[],
  env: Record<string, string | undefined> = process.env,
): DoctorOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        stage: { type: "string" },
        domain: { type: "string" },
        "configuration-set": { type: "string" },
        "schedule-group": { type: "string" },
        table: { type: "string" },
        "api-url": { type: "string" },
        outputs: { type: "string" },
        region: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new DoctorUsageError((error as Error).message);
  }
  const text = (flag: string, fallback?: string) => {
    const value = values[flag];
    if (typeof value === "string" && value.trim() === "")
      throw new DoctorUsageError(`--${flag} needs a value`);
    return (typeof value === "string" ? value.trim() : undefined) ?? (fallback?.trim() || undefined);
  };
  if (values.help) return { stage: "", help: true };
  const stage = text("stage");
  if (!stage) throw new DoctorUsageError("--stage is required (e.g. --stage prod)");
  if (!/^[a-zA-Z0-9-]+$/.test(stage))
    throw new DoctorUsageError(`--stage ${stage}: letters, digits and - only`);
  const outputs = readOutputs(text("outputs"));
  const apiUrl = text("api-url", outputs.api ?? env.REDIAL_API_URL);
  if (apiUrl && !/^https?:\/\/[^\s]+$/.test(apiUrl))
    throw new DoctorUsageError(`--api-url ${apiUrl}: expected an http(s) URL`);
  return {
    stage,
    domain: text("domain", outputs.sender ?? env.REDIAL_EMAIL_DOMAIN),
    configurationSet: text("configuration-set", outputs.configurationSet ?? env.REDIAL_SES_CONFIGURATION_SET),
    scheduleGroup: text("schedule-group", outputs.scheduleGroup ?? env.REDIAL_SCHEDULE_GROUP),
    table: text("table", outputs.table ?? env.REDIAL_TABLE_NAME),
    apiUrl,
    region: text("region"),
    help: false,
  };
}

/** The string outputs sst.config.ts returns, as `npx sst deploy` writes them to .sst/outputs.json. */
function readOutputs(file: string | undefined): Record<string, string | undefined> {
  if (!file) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new DoctorUsageError(`--outputs ${file}: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new DoctorUsageError(`--outputs ${file}: expected a JSON object of outputs`);
  return Object.fromEntries(
    Object.entries(parsed).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== "",
    ),
  );
}

export interface DoctorIo {
  env?: Record<string, string | undefined>;
  out?: { write(text: string): unknown };
  err?: { write(text: string): unknown };
  /** Injected by tests; otherwise real clients with the SDK's default credentials. */
  clients?: DoctorClients;
}

export async function runDoctor(args: string[], io: DoctorIo = {}): Promise<number> {
  const out = io.out ?? process.stdout;
  const err = io.err ?? process.stderr;
  let options: DoctorOptions;
  try {
    options = parseDoctorArgs(args, io.env ?? process.env);
  } catch (error) {
    if (!(error instanceof DoctorUsageError)) throw error;
    err.write(`redial doctor: ${error.message}\n\n${DOCTOR_HELP}`);
    return 2;
  }
  if (options.help) {
    out.write(DOCTOR_HELP);
    return 0;
  }
  const config = options.region ? { region: options.region } : {};
  const clients = io.clients ?? {
    ses: new SESv2Client(config),
    scheduler: new SchedulerClient(config),
    dynamo: new DynamoDBClient(config),
  };
  const findings = await diagnose(clients, options);
  out.write(`redial doctor — stage ${options.stage}\n${formatReport(findings)}`);
  return exitCode(findings);
}
