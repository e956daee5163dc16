/**
 * `redial doctor` (issue 5): the checks over mocked SES v2, Scheduler and DynamoDB clients (no AWS
 * account here), a healthy stage and a broken one, the exact report and exit code; argument parsing;
 * and the command as a user runs it, for the exit code of bad arguments.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
} from "@aws-sdk/client-dynamodb";
import {
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from "@aws-sdk/client-scheduler";
import {
  GetAccountCommand,
  GetConfigurationSetCommand,
  GetConfigurationSetEventDestinationsCommand,
  GetEmailIdentityCommand,
  NotFoundException,
  SESv2Client,
} from "@aws-sdk/client-sesv2";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import {
  type DoctorClients,
  DoctorUsageError,
  parseDoctorArgs,
  runDoctor,
} from "../../packages/local/src/doctor.ts";

const ses = mockClient(SESv2Client);
const scheduler = mockClient(SchedulerClient);
const dynamo = mockClient(DynamoDBClient);
const TABLE = "redial-prod-TableAbcd1234";
const SET = "redial-prod"; // stacks/email.ts: `${$app.name}-${$app.stage}`
const GROUP = "redial-prod-TimersGroupQrst";
const fault = (message: string) => ({ message, Message: message, $metadata: {} });

let fetched: string[];
const clients = (status = 200): DoctorClients => ({
  ses: new SESv2Client({}),
  scheduler: new SchedulerClient({}),
  dynamo: new DynamoDBClient({}),
  fetch: async (url) => {
    fetched.push(url);
    return { status };
  },
});

async function run(args: string[], env: Record<string, string> = {}, status = 200) {
  let out = "";
  let err = "";
  const code = await runDoctor(args, {
    env,
    clients: clients(status),
    out: { write: (text: string) => (out += text) },
    err: { write: (text: string) => (err += text) },
  });
  return { code, out, err, lines: out.trimEnd().split("\n") };
}

/** A stage as `npx sst deploy --stage prod` leaves it, with production access and DNS done. */
function healthy() {
  ses.on(GetAccountCommand).resolves({
    ProductionAccessEnabled: true,
    SendingEnabled: true,
    EnforcementStatus: "HEALTHY",
    SendQuota: { Max24HourSend: 50_000, MaxSendRate: 14, SentLast24Hours: 1_234 },
  });
  ses.on(GetEmailIdentityCommand).resolves({
    VerifiedForSendingStatus: true,
    DkimAttributes: { Status: "SUCCESS" },
    MailFromAttributes: {
      MailFromDomain: "mail.acme.example",
      MailFromDomainStatus: "SUCCESS",
      BehaviorOnMxFailure: "USE_DEFAULT_VALUE",
    },
  });
  ses
    .on(GetConfigurationSetCommand)
    .resolves({ ConfigurationSetName: SET, SendingOptions: { SendingEnabled: true } });
  ses.on(GetConfigurationSetEventDestinationsCommand).resolves({
    EventDestinations: [
      {
        Name: "feedback",
        Enabled: true,
        MatchingEventTypes: ["BOUNCE", "COMPLAINT", "DELIVERY"],
        EventBridgeDestination: { EventBusArn: "arn:aws:events:us-east-1:123456789012:event-bus/default" },
      },
    ],
  });
  scheduler.on(ListScheduleGroupsCommand).resolves({ ScheduleGroups: [{ Name: GROUP, State: "ACTIVE" }] });
  scheduler.on(GetScheduleGroupCommand).resolves({ Name: GROUP, State: "ACTIVE" });
  dynamo
    .on(ListTablesCommand)
    .resolvesOnce({
      TableNames: ["redial-dev-TableZzzz0000"],
      LastEvaluatedTableName: "redial-dev-TableZzzz0000",
    })
    .resolves({ TableNames: [TABLE, "redial-prod-Other"] });
  dynamo.on(DescribeTableCommand).resolves({
    Table: { TableName: TABLE, TableStatus: "ACTIVE", ItemCount: 12_345, DeletionProtectionEnabled: true },
  });
  dynamo.on(DescribeContinuousBackupsCommand).resolves({
    ContinuousBackupsDescription: {
      ContinuousBackupsStatus: "ENABLED",
      PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: "ENABLED" },
    },
  });
  dynamo
    .on(DescribeTimeToLiveCommand)
    .resolves({ TimeToLiveDescription: { TimeToLiveStatus: "ENABLED", AttributeName: "expiresAt" } });
}

beforeEach(() => {
  ses.reset();
  scheduler.reset();
  dynamo.reset();
  fetched = [];
  healthy();
});

describe("redial doctor", () => {
  it("passes a healthy stage, finding the table and group by the stage's prefix, and exits 0", async () => {
    const { code, lines, err } = await run(
      [
        "--stage",
        "prod",
        "--domain",
        "acme.example",
        "--api-url",
        "https://abc.execute-api.us-east-1.amazonaws.com/",
      ],
      {},
    );
    expect(err).toBe("");
    expect(lines).toEqual([
      "redial doctor — stage prod",
      "✓ SES account has production access (50,000 a day, 14/s, 1,234 sent in the last 24 h)",
      "✓ SES identity acme.example is verified for sending",
      "✓ DKIM for acme.example is SUCCESS",
      "✓ MAIL FROM domain mail.acme.example is SUCCESS",
      `✓ SES configuration set ${SET} exists`,
      `✓ Bounces and complaints from ${SET} go to EventBridge (suppression list)`,
      `✓ Schedule group ${GROUP} is ACTIVE`,
      `✓ Table ${TABLE} is ACTIVE (~12,345 items)`,
      `✓ Point-in-time recovery is on for ${TABLE}`,
      `✓ TTL is on for ${TABLE} (expiresAt)`,
      "✓ GET https://abc.execute-api.us-east-1.amazonaws.com/health answered 200",
      "All 11 checks passed.",
    ]);
    expect(code).toBe(0);
    expect(fetched).toEqual(["https://abc.execute-api.us-east-1.amazonaws.com/health"]);
    expect(ses.commandCalls(GetEmailIdentityCommand)[0]?.args[0].input).toEqual({
      EmailIdentity: "acme.example",
    });
    expect(scheduler.commandCalls(ListScheduleGroupsCommand)[0]?.args[0].input).toMatchObject({
      NamePrefix: "redial-prod-",
    });
    expect(dynamo.commandCalls(DescribeTableCommand)[0]?.args[0].input).toEqual({ TableName: TABLE });
    expect(dynamo.commandCalls(ListTablesCommand)).toHaveLength(2); // paged
  });

  it("says what to fix on a broken stage (sandbox, unverified identity, missing group, no PITR) and exits 1", async () => {
    ses.on(GetAccountCommand).resolves({
      ProductionAccessEnabled: false,
      SendingEnabled: true,
      EnforcementStatus: "HEALTHY",
      SendQuota: { Max24HourSend: 200, MaxSendRate: 1, SentLast24Hours: 0 },
    });
    ses.on(GetEmailIdentityCommand).resolves({
      VerifiedForSendingStatus: false,
      DkimAttributes: { Status: "PENDING" },
    });
    ses.on(GetConfigurationSetEventDestinationsCommand).resolves({ EventDestinations: [] });
    scheduler
      .on(GetScheduleGroupCommand)
      .rejects(new ResourceNotFoundException(fault("Schedule group redial-timers does not exist.")));
    dynamo.on(DescribeTableCommand).resolves({
      Table: {
        TableName: "redial-prod-T",
        TableStatus: "ACTIVE",
        ItemCount: 0,
        DeletionProtectionEnabled: false,
      },
    });
    dynamo.on(DescribeContinuousBackupsCommand).resolves({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: "ENABLED",
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: "DISABLED" },
      },
    });
    const { code, lines } = await run(["--stage", "prod", "--schedule-group", "redial-timers"], {
      REDIAL_EMAIL_DOMAIN: "acme.example",
      REDIAL_TABLE_NAME: "redial-prod-T",
      REDIAL_SES_CONFIGURATION_SET: "redial-prod-Set",
    });
    expect(lines).toEqual([
      "redial doctor — stage prod",
      "✗ SES account is in the sandbox (200 a day, 1/s, 0 sent in the last 24 h; verified recipients only): request production access (docs/deploy.md#leaving-the-sandbox)",
      "✗ SES identity acme.example is not verified for sending: publish its 3 DKIM CNAME records (docs/deploy.md#dns-records)",
      "✗ DKIM for acme.example is PENDING: SES has not seen the 3 CNAME records yet (it retries for 72 h); publish the records (docs/deploy.md#dns-records)",
      "! No custom MAIL FROM domain for acme.example: SPF aligns with amazonses.com, not your domain; set one up (docs/deploy.md#spf-mail-from)",
      "✓ SES configuration set redial-prod-Set exists",
      "✗ Bounces and complaints from redial-prod-Set reach no enabled EventBridge destination, so nobody is suppressed: redeploy the stage (npx sst deploy --stage prod)",
      "✗ Schedule group redial-timers does not exist, so no timer can be created: deploy the stage (npx sst deploy --stage prod) or pass --schedule-group",
      "✓ Table redial-prod-T is ACTIVE (~0 items)",
      "! Table redial-prod-T has no deletion protection on prod: redeploy (stacks/storage.ts sets it) or aws dynamodb update-table --table-name redial-prod-T --deletion-protection-enabled",
      "✗ Point-in-time recovery is DISABLED for redial-prod-T: aws dynamodb update-continuous-backups --table-name redial-prod-T --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true",
      "✓ TTL is on for redial-prod-T (expiresAt)",
      "6 of 11 checks failed, 2 to look at: see docs/deploy.md.",
    ]);
    expect(code).toBe(1);
    // Names given by flag or environment are used as they are, not searched for.
    expect(scheduler.commandCalls(ListScheduleGroupsCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(ListTablesCommand)).toHaveLength(0);
    expect(fetched).toEqual([]); // no --api-url: no health check
  });

  it("reports missing resources, unreadable calls, TTL off and a failing /health, each as one line", async () => {
    ses
      .on(GetAccountCommand)
      .rejects(
        Object.assign(new Error("The security token is invalid"), { name: "UnrecognizedClientException" }),
      );
    ses
      .on(GetEmailIdentityCommand)
      .rejects(new NotFoundException(fault("Email identity acme.example does not exist.")));
    ses
      .on(GetConfigurationSetCommand)
      .rejects(new NotFoundException(fault("Configuration set redial-staging does not exist.")));
    scheduler
      .on(ListScheduleGroupsCommand)
      .resolves({ ScheduleGroups: [{ Name: "redial-staging-A" }, { Name: "redial-staging-B" }] });
    dynamo.on(ListTablesCommand).resolves({ TableNames: ["redial-staging-TableQ"] });
    dynamo.on(DescribeTableCommand).resolves({ Table: { TableStatus: "ACTIVE", ItemCount: 3 } });
    dynamo
      .on(DescribeTimeToLiveCommand)
      .resolves({ TimeToLiveDescription: { TimeToLiveStatus: "DISABLED" } });
    const { code, lines } = await run(
      ["--stage", "staging", "--domain", "acme.example", "--api-url", "https://api.acme.example"],
      {},
      502,
    );
    expect(lines).toEqual([
      "redial doctor — stage staging",
      "✗ SES account cannot be read (UnrecognizedClientException: The security token is invalid): check your AWS credentials and region",
      "✗ SES identity acme.example does not exist in this region: deploy with REDIAL_EMAIL_DOMAIN=acme.example, or check --region (docs/deploy.md#ses-domain)",
      "✗ SES configuration set redial-staging does not exist: deploy the stage (npx sst deploy --stage staging)",
      "✗ Several schedule groups named redial-staging-… (redial-staging-A, redial-staging-B): pass --schedule-group",
      "✓ Table redial-staging-TableQ is ACTIVE (~3 items)",
      "✓ Point-in-time recovery is on for redial-staging-TableQ",
      "✗ TTL is DISABLED for redial-staging-TableQ, expected ENABLED on expiresAt: aws dynamodb update-time-to-live --table-name redial-staging-TableQ --time-to-live-specification Enabled=true,AttributeName=expiresAt",
      "✗ GET https://api.acme.example/health answered 502: check the API function's logs in CloudWatch",
      "6 of 8 checks failed: see docs/deploy.md.",
    ]);
    expect(code).toBe(1);
  });

  it("without a domain, warns that the identity was not checked (and still exits 0 when the rest passes)", async () => {
    const { code, lines } = await run(["--stage", "prod"]);
    expect(lines[2]).toBe(
      "! No sending domain given: pass --domain or set REDIAL_EMAIL_DOMAIN to check the SES identity and its DKIM",
    );
    expect(lines.at(-1)).toBe("All 8 checks passed (1 to look at).");
    expect(code).toBe(0);
    expect(ses.commandCalls(GetEmailIdentityCommand)).toHaveLength(0);
  });
});

describe("redial doctor arguments", () => {
  it("takes flags first, then the REDIAL_* variables", () => {
    expect(
      parseDoctorArgs(["--stage", "prod", "--table", "t1", "--region", "eu-west-1"], {
        REDIAL_TABLE_NAME: "t2",
        REDIAL_EMAIL_DOMAIN: "acme.example",
        REDIAL_SCHEDULE_GROUP: "g",
        REDIAL_API_URL: "https://x.example",
      }),
    ).toEqual({
      stage: "prod",
      domain: "acme.example",
      configurationSet: undefined,
      scheduleGroup: "g",
      table: "t1",
      apiUrl: "https://x.example",
      region: "eu-west-1",
      help: false,
    });
  });

  it("takes names from an SST outputs file, flags still first", () => {
    const dir = mkdtempSync(join(tmpdir(), "doctor-"));
    const file = join(dir, "outputs.json");
    writeFileSync(
      file,
      JSON.stringify({
        api: "https://abc.execute-api.us-east-1.amazonaws.com",
        table: "redial-prod-TableX",
        sender: "acme.example",
        configurationSet: "redial-prod",
        scheduleGroup: "redial-prod-TimerGroupY",
        exportTimezone: "America/New_York",
      }),
    );
    try {
      expect(
        parseDoctorArgs(["--stage", "prod", "--outputs", file, "--table", "mine"], {
          REDIAL_TABLE_NAME: "env",
        }),
      ).toMatchObject({
        apiUrl: "https://abc.execute-api.us-east-1.amazonaws.com",
        table: "mine",
        domain: "acme.example",
        configurationSet: "redial-prod",
        scheduleGroup: "redial-prod-TimerGroupY",
      });
      expect(() => parseDoctorArgs(["--stage", "prod", "--outputs", join(dir, "none.json")], {})).toThrow(
        DoctorUsageError,
      );
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it.each([
    [[], "--stage is required (e.g. --stage prod)"],
    [["--stage", "prod", "--table", " "], "--table needs a value"],
    [["--stage", "pr od"], "--stage pr od: letters, digits and - only"],
    [["--stage", "prod", "--api-url", "ftp://x"], "--api-url ftp://x: expected an http(s) URL"],
  ])("rejects %j", (args, message) => {
    expect(() => parseDoctorArgs(args, {})).toThrow(new DoctorUsageError(message));
  });

  it("exits 2 with the usage on bad arguments, and 0 for --help, without calling AWS", async () => {
    const bad = await run(["--stage", "prod", "--bogus"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("redial doctor: Unknown option '--bogus'");
    expect(bad.err).toContain("Usage: npx redial doctor --stage <stage>");
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("Exit codes: 0 no ✗, 1 at least one ✗, 2 bad arguments.");
    expect(ses.calls()).toHaveLength(0);
  });

  it("is wired into npx redial: no --stage exits 2", () => {
    const root = resolve(import.meta.dirname, "../..");
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", join(root, "packages/local/src/cli.ts"), "doctor"],
      {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, AWS_REGION: "us-east-1" },
      },
    );
    expect(child.stderr).toContain("redial doctor: --stage is required");
    expect(child.status).toBe(2);
  });
});
