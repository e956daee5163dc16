/**
 * The SST CLI cannot run here (it downloads Pulumi), so this loads sst.config.ts and stacks/* with a
 * recording stand-in for the SST globals (./stand-in.ts) and checks the wiring:
 *
 * - every function's handler file exists and exports the named handler;
 * - every variable its loadConfig() requires is given (secrets stood in by valid values);
 * - what each function's deployed code can call: each handler is bundled with esbuild as SST would
 *   (tree-shaken, the AWS SDK external) and every `new XxxCommand(` left in the bundle is mapped to
 *   the IAM action it needs. DynamoDB commands are covered by `link: [table]` (SST grants the
 *   function DynamoDB actions on the linked table and its indexes), so for those the link is checked;
 *   Scheduler and SES commands must be granted by `permissions`, on the right ARNs, and nothing more
 *   (Scheduler commands only where the scheduler variables make them reachable, see aws-deps.ts);
 * - every `Resource.X` a bundle reads is linked; the schedule group → role (PassRole) → timer runner
 *   → dead-letter queue chain; SES identity → configuration set → EventBridge → rule → function; the
 *   weekly export cron; the alarms.
 *
 * It does not prove that AWS (or SST) accepts these resources: argument names are checked against the
 * documented ones the stand-in knows, not against SST's types; the ARN formats are AWS's documented
 * ones; nothing was deployed. IAM conditions, DNS/DKIM verification, SES sandbox and quotas are not
 * exercised.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { TABLE } from "@redial/aws";
import { loadConfig } from "@redial/functions";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT, installStandIn, REGION, type Recorded } from "./stand-in.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const DOMAIN = "acme.example";
const STAGE = "prod";

let recorded: Recorded[];
let routes: { path: string; handler: unknown }[];
let outputs: Record<string, unknown>;
let app: Record<string, unknown>;

beforeAll(async () => {
  ({ recorded, routes } = installStandIn(STAGE));
  Object.assign(process.env, {
    REDIAL_POSTAL_ADDRESS: "Acme Inc., 1 Main St, Springfield",
    REDIAL_EMAIL_DOMAIN: DOMAIN,
    REDIAL_ALARM_EMAIL: "ops@acme.example",
    REDIAL_CRM_WEBHOOK_URL: "https://crm.acme.example/hooks/redial",
    REDIAL_WEBHOOK_SOURCES: "hubspot salesforce",
  });
  const config = (await import(/* @vite-ignore */ `${root}sst.config.ts`)).default;
  app = config.app({ stage: STAGE });
  outputs = await config.run();
});

const all = (type: string) => recorded.filter((r) => r.type === type);
function one(type: string, name: string): Recorded {
  const found = recorded.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`No ${type}("${name}") declared`);
  return found;
}
const env = (fn: Recorded) => fn.args.environment as Record<string, string>;
const policy = (r: Recorded, key: string) => JSON.parse(String(r.args[key]));

/** Secret values are only known at deploy time; stand in valid ones to prove the shape. */
const whsec = (text: string) => `whsec_${Buffer.from(text).toString("base64")}`;
function withSecrets(environment: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => {
      if (!value.includes("value-of:")) return [name, value];
      if (name === "REDIAL_WEBHOOK_SECRET") return [name, value.split(" ").map(whsec).join(" ")];
      if (name === "REDIAL_CRM_WEBHOOK_SECRET") return [name, whsec(value)];
      return [name, `${value}-a-deploy-time-value`];
    }),
  );
}

/** The handler's file and export name, from SST's `path/to/file.exportName`. */
function handlerOf(fn: Recorded) {
  const handler = String(fn.args.handler);
  const dot = handler.lastIndexOf(".");
  return { file: `${root}${handler.slice(0, dot)}.ts`, exportName: handler.slice(dot + 1) };
}

const bundles = new Map<string, string>();
async function bundle(fn: Recorded): Promise<string> {
  const { file } = handlerOf(fn);
  const cached = bundles.get(file);
  if (cached) return cached;
  const result = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    platform: "node",
    format: "esm",
    target: "node22",
    treeShaking: true,
    // As on Lambda's Node 22 runtime; the command classes keep their names in the bundle.
    external: ["@aws-sdk/*", "@smithy/*"],
    logLevel: "silent",
  });
  const text = result.outputFiles.map((f) => f.text).join("\n");
  bundles.set(file, text);
  return text;
}

/** SDK command → what the function needs for it. */
const DYNAMO = "link:table";
const COMMAND_NEEDS: Record<string, string> = {
  ...Object.fromEntries(
    [
      "BatchGet",
      "BatchWrite",
      "Get",
      "Put",
      "Update",
      "Delete",
      "Query",
      "Scan",
      "TransactWrite",
      "TransactGet",
      "CreateTable",
      "DescribeTable",
      "DescribeTimeToLive",
      "UpdateTimeToLive",
    ].map((name) => [`${name}Command`, DYNAMO]),
  ),
  CreateScheduleCommand: "scheduler:CreateSchedule",
  DeleteScheduleCommand: "scheduler:DeleteSchedule",
  SendEmailCommand: "ses:SendEmail",
};

function commandsIn(text: string): string[] {
  return [...new Set([...text.matchAll(/new (\w+Command)\d*\(/g)].map((m) => String(m[1])))].sort();
}

const FUNCTIONS = ["ApiFunction", "TimerRunner", "ReconcileTimers", "SesEvents", "WeeklyExport"];

describe("sst.config.ts and stacks/", () => {
  it("protects and retains the prod stage, and returns the outputs", () => {
    expect(app).toMatchObject({ name: "redial", home: "aws", removal: "retain", protect: true });
    expect(outputs).toMatchObject({
      api: "https://abc123.execute-api.us-east-1.amazonaws.com",
      table: "redial-prod-Table",
      sender: DOMAIN,
      configurationSet: "redial-prod",
      timerRunner: "redial-prod-TimerRunner",
      exportTimezone: "America/New_York",
    });
  });

  it("declares the one table as the store creates it: TTL on expiresAt, PITR, deletion protection", () => {
    const table = one("sst.aws.Dynamo", "Table");
    expect(table.args).toMatchObject({ ...TABLE, ttl: "expiresAt", deletionProtection: true });
    const tableArgs: Record<string, unknown> = {};
    (table.args.transform as { table: (a: Record<string, unknown>) => void }).table(tableArgs);
    expect(tableArgs.pointInTimeRecovery).toEqual({ enabled: true });
  });

  it("declares the secrets: webhook (one, plus one per source), API token, unsubscribe key, CRM", () => {
    expect(all("sst.Secret").map((s) => s.name)).toEqual([
      "WebhookSecret",
      "WebhookSecretHubspot",
      "WebhookSecretSalesforce",
      "ApiToken",
      "UnsubscribeKey",
      "CrmWebhookSecret",
    ]);
  });

  it("declares exactly the expected functions, each on Node 22 arm64, bundled with the playbook embedded", () => {
    expect(
      all("sst.aws.Function")
        .map((f) => f.name)
        .sort(),
    ).toEqual([...FUNCTIONS].sort());
    for (const fn of all("sst.aws.Function")) {
      expect(fn.args, fn.name).toMatchObject({ runtime: "nodejs22.x", architecture: "arm64" });
      const nodejs = fn.args.nodejs as { banner: string; plugins: string; esbuild: { external: string[] } };
      expect(nodejs, fn.name).toMatchObject({ format: "esm", minify: true, esbuild: { target: "node22" } });
      expect(nodejs.esbuild.external).toEqual(["@aws-sdk/*"]);
      // The banner runs before any bundled code: it must set the playbook the functions read.
      const scope: Record<string, unknown> = {};
      new Function("globalThis", nodejs.banner)(scope);
      const embedded = scope.__REDIAL_EMBEDDED__ as { playbook: { team: unknown }; templates: object };
      expect(embedded.playbook.team).toBeDefined();
      expect(Object.keys(embedded.templates)).toContain("bad-time-note");
      // Relative to sst.config.ts, as SST resolves it.
      expect(existsSync(`${root}${nodejs.plugins}`), nodejs.plugins).toBe(true);
      // Nothing is read from files at run time, so no path to one is set.
      expect(env(fn).REDIAL_PLAYBOOK).toBeUndefined();
      expect(env(fn).REDIAL_TEMPLATES).toBeUndefined();
    }
    expect(one("sst.aws.Function", "TimerRunner").args.timeout).toBe("30 seconds");
  });

  it("points every function at a handler file that exists and exports the named function", () => {
    for (const fn of all("sst.aws.Function")) {
      const { file, exportName } = handlerOf(fn);
      expect(existsSync(file), file).toBe(true);
      const source = readFileSync(file, "utf8");
      const exported = new RegExp(
        `export\\s+(const\\s+${exportName}\\s*=|(async\\s+)?function\\s+${exportName}\\b)`,
      );
      expect(source, `${file} exports ${exportName}`).toMatch(exported);
    }
  });

  it("gives every function every variable its loadConfig() requires; senders can send", () => {
    for (const fn of all("sst.aws.Function")) {
      const config = loadConfig(withSecrets(env(fn)));
      expect(config.webhookSecrets).toHaveLength(3);
      expect(config.tableName).toBe("redial-prod-Table");
      if (["TimerRunner", "ReconcileTimers", "WeeklyExport"].includes(fn.name)) {
        expect(config, fn.name).toMatchObject({ emailDomain: DOMAIN, sesConfigurationSet: "redial-prod" });
      }
      if (["TimerRunner", "ReconcileTimers", "ApiFunction"].includes(fn.name)) {
        expect(config.unsubscribeKey, fn.name).toBeDefined();
      }
    }
  });

  it("grants each function exactly the IAM actions its bundled code sends, on its own resources", async () => {
    const table = one("sst.aws.Dynamo", "Table");
    const group = one("aws.scheduler.ScheduleGroup", "TimerGroup").resource;
    const role = one("aws.iam.Role", "SchedulerRole").resource;
    const configSet = one("aws.sesv2.ConfigurationSet", "EmailConfigSet").resource;
    const expectedResources: Record<string, string[]> = {
      "scheduler:CreateSchedule": [`arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${group.name}/*`],
      "scheduler:DeleteSchedule": [`arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${group.name}/*`],
      "iam:PassRole": [String(role.arn)],
      "ses:SendEmail": [`arn:aws:ses:${REGION}:${ACCOUNT}:identity/${DOMAIN}`, String(configSet.arn)],
      "sqs:SendMessage": [String(one("sst.aws.Queue", "TimerDlq").resource.arn)],
    };
    const onFailure = all("aws.lambda.FunctionEventInvokeConfig");
    const seen: Record<string, string[]> = {};
    for (const fn of all("sst.aws.Function")) {
      const commands = commandsIn(await bundle(fn));
      seen[fn.name] = commands;
      const unknown = commands.filter((c) => !(c in COMMAND_NEEDS));
      expect(unknown, `${fn.name} sends commands this test cannot map`).toEqual([]);
      const needs = new Set(commands.map((c) => COMMAND_NEEDS[c]));
      // aws-deps.ts builds SchedulerTimers only with the four REDIAL_SCHEDULE_GROUP… variables set;
      // without them the Scheduler commands in the bundle are unreachable (timers are only logged).
      if (!loadConfig(withSecrets(env(fn))).scheduler) {
        needs.delete("scheduler:CreateSchedule");
        needs.delete("scheduler:DeleteSchedule");
      }
      // PassRole goes with CreateSchedule: the schedule names the role Scheduler assumes.
      if (needs.has("scheduler:CreateSchedule")) needs.add("iam:PassRole");
      // An on-failure destination is sent by Lambda with the function's role, not by its code.
      if (onFailure.some((c) => c.args.functionName === fn.resource.name)) needs.add("sqs:SendMessage");
      const links = (fn.args.link as unknown[] | undefined) ?? [];
      expect(links.includes(table.resource), `${fn.name} links the table`).toBe(needs.has(DYNAMO));
      needs.delete(DYNAMO);

      const granted = (fn.args.permissions as { actions: string[]; resources: string[] }[] | undefined) ?? [];
      const actions = granted.flatMap((p) => p.actions);
      expect([...actions].sort(), fn.name).toEqual([...needs].sort());
      for (const permission of granted)
        for (const action of permission.actions)
          expect(permission.resources, `${fn.name} ${action}`).toEqual(expectedResources[action]);
    }
    // What the bundles actually send (a change in the code shows up here first).
    expect(seen.ApiFunction).toContain("CreateScheduleCommand");
    expect(seen.ApiFunction).not.toContain("SendEmailCommand");
    expect(seen.TimerRunner).toEqual(expect.arrayContaining(["SendEmailCommand", "DeleteScheduleCommand"]));
    expect(seen.WeeklyExport).toContain("SendEmailCommand");
  });

  it("links every Resource.X a function's code reads", async () => {
    for (const fn of all("sst.aws.Function")) {
      const text = await bundle(fn);
      const used = [...text.matchAll(/\bResource\.(\w+)/g)].map((m) => String(m[1]));
      const linked = ((fn.args.link as { name?: string }[] | undefined) ?? []).map(
        (l) => recorded.find((r) => r.resource === l)?.name,
      );
      for (const name of used) expect(linked, `${fn.name} reads Resource.${name}`).toContain(name);
    }
  });

  it("chains schedule group → role (PassRole) → timer runner → dead-letter queue for every function that schedules", () => {
    const group = one("aws.scheduler.ScheduleGroup", "TimerGroup").resource;
    const role = one("aws.iam.Role", "SchedulerRole");
    const dlq = one("sst.aws.Queue", "TimerDlq").resource;
    const runner = one("sst.aws.Function", "TimerRunner").resource;
    const trust = policy(role, "assumeRolePolicy");
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        Principal: { Service: "scheduler.amazonaws.com" },
        Action: "sts:AssumeRole",
      }),
    ]);
    const rolePolicy = all("aws.iam.RolePolicy").find((p) => p.args.role === role.resource.name);
    if (!rolePolicy) throw new Error("the scheduler role has no policy");
    expect(policy(rolePolicy, "policy").Statement).toEqual([
      { Effect: "Allow", Action: "lambda:InvokeFunction", Resource: runner.arn },
      { Effect: "Allow", Action: "sqs:SendMessage", Resource: dlq.arn },
    ]);
    const scheduling = all("sst.aws.Function").filter((fn) => env(fn).REDIAL_SCHEDULE_GROUP);
    expect(scheduling.map((f) => f.name).sort()).toEqual([
      "ApiFunction",
      "ReconcileTimers",
      "SesEvents",
      "TimerRunner",
    ]);
    for (const fn of scheduling) {
      expect(env(fn), fn.name).toMatchObject({
        REDIAL_SCHEDULE_GROUP: group.name,
        REDIAL_TIMER_TARGET_ARN: runner.arn,
        REDIAL_SCHEDULER_ROLE_ARN: role.resource.arn,
        REDIAL_TIMER_DLQ_ARN: dlq.arn,
      });
      expect(loadConfig(withSecrets(env(fn))).scheduler).toBeDefined();
    }
  });

  it("sends a timer run that fails after Lambda's two async retries to the timer DLQ", () => {
    const runner = one("sst.aws.Function", "TimerRunner").resource;
    const dlq = one("sst.aws.Queue", "TimerDlq").resource;
    expect(all("aws.lambda.FunctionEventInvokeConfig").map((c) => c.args)).toEqual([
      {
        functionName: runner.name,
        maximumRetryAttempts: 2,
        destinationConfig: { onFailure: { destination: dlq.arn } },
      },
    ]);
  });

  it("routes every API request to the API function", () => {
    expect(routes).toEqual([
      { path: "$default", handler: one("sst.aws.Function", "ApiFunction").resource.arn },
    ]);
  });

  it("sends from the verified domain through a configuration set whose events reach the SES-events function", () => {
    expect(one("sst.aws.Email", "Email").args).toMatchObject({ sender: DOMAIN });
    const configSet = one("aws.sesv2.ConfigurationSet", "EmailConfigSet");
    expect(configSet.args).toMatchObject({ reputationOptions: { reputationMetricsEnabled: true } });
    const [destination] = all("aws.sesv2.ConfigurationSetEventDestination");
    expect(destination?.args).toMatchObject({
      configurationSetName: "redial-prod",
      eventDestination: {
        enabled: true,
        matchingEventTypes: expect.arrayContaining(["BOUNCE", "COMPLAINT", "DELIVERY"]),
        eventBridgeDestination: { eventBusArn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default` },
      },
    });
    const rule = one("aws.cloudwatch.EventRule", "SesEventsRule");
    expect(policy(rule, "eventPattern")).toMatchObject({
      source: ["aws.ses"],
      "detail-type": expect.arrayContaining(["Email Bounced", "Email Complaint Received"]),
      detail: { mail: { tags: { "ses:configuration-set": ["redial-prod"] } } },
    });
    const fn = one("sst.aws.Function", "SesEvents").resource;
    const dlq = one("sst.aws.Queue", "SesEventsDlq").resource;
    const [target] = all("aws.cloudwatch.EventTarget");
    expect(target?.args).toMatchObject({
      rule: rule.resource.name,
      arn: fn.arn,
      deadLetterConfig: { arn: dlq.arn },
    });
    const [permission] = all("aws.lambda.Permission");
    expect(permission?.args).toEqual({
      action: "lambda:InvokeFunction",
      function: fn.name,
      principal: "events.amazonaws.com",
      sourceArn: rule.resource.arn,
    });
    const dlqPolicy = policy(one("aws.sqs.QueuePolicy", "SesEventsDlqPolicy"), "policy");
    expect(dlqPolicy.Statement[0]).toMatchObject({
      Principal: { Service: "events.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: dlq.arn,
      Condition: { ArnEquals: { "aws:SourceArn": rule.resource.arn } },
    });
  });

  it("runs the weekly export at the playbook's weekday and time in the team's zone, and reconciles daily", () => {
    expect(one("sst.aws.CronV2", "WeeklyExportSchedule").args).toMatchObject({
      function: one("sst.aws.Function", "WeeklyExport").resource.arn,
      // playbook/playbook.yaml: weeklyExport weekday 1 (Monday), 07:00; team.timezone America/New_York.
      schedule: "cron(0 7 ? * MON *)",
      timezone: "America/New_York",
    });
    expect(one("sst.aws.CronV2", "ReconcileTimersDaily").args).toMatchObject({
      function: one("sst.aws.Function", "ReconcileTimers").resource.arn,
      schedule: "cron(30 3 * * ? *)",
    });
  });

  it("alarms on SES reputation, dead letters and every function's errors, to one topic", () => {
    const topic = one("sst.aws.SnsTopic", "Alarms").resource.arn;
    expect(one("aws.sns.TopicSubscription", "AlarmsEmail").args).toEqual({
      topic,
      protocol: "email",
      endpoint: "ops@acme.example",
    });
    const alarms = all("aws.cloudwatch.MetricAlarm");
    for (const alarm of alarms) expect(alarm.args, alarm.name).toMatchObject({ alarmActions: [topic] });
    expect(one("aws.cloudwatch.MetricAlarm", "SesBounceRate").args).toMatchObject({
      namespace: "AWS/SES",
      metricName: "Reputation.BounceRate",
      threshold: 0.04,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
    });
    expect(one("aws.cloudwatch.MetricAlarm", "SesComplaintRate").args).toMatchObject({
      namespace: "AWS/SES",
      metricName: "Reputation.ComplaintRate",
      threshold: 0.0008,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
    });
    const queueAlarms = alarms.filter((a) => a.args.metricName === "ApproximateNumberOfMessagesVisible");
    expect(queueAlarms.map((a) => (a.args.dimensions as { QueueName: string }).QueueName).sort()).toEqual(
      all("sst.aws.Queue")
        .map((q) => (q.resource.nodes as { queue: { name: string } }).queue.name)
        .sort(),
    );
    for (const a of queueAlarms)
      expect(a.args).toMatchObject({ threshold: 0, comparisonOperator: "GreaterThanThreshold" });
    const errorAlarms = alarms.filter(
      (a) => a.args.namespace === "AWS/Lambda" && a.args.metricName === "Errors",
    );
    expect(
      errorAlarms.map((a) => (a.args.dimensions as { FunctionName: string }).FunctionName).sort(),
    ).toEqual(
      all("sst.aws.Function")
        .map((f) => String(f.resource.name))
        .sort(),
    );
  });
});
