/**
 * The SST CLI cannot run here (it downloads Pulumi), so this loads sst.config.ts and stacks/* with a
 * recording stand-in for the SST globals (./stand-in.ts) and checks the wiring:
 *
 * - every function's handler file exists and exports the named handler;
 * - each function's environment and links give exactly the parts of the configuration its code loads
 *   (FUNCTION_CONFIG): links read as linkedEnvironment() reads them, secrets stood in by valid
 *   values, no secret in any environment, the webhook secret and the API token in the API alone;
 * - what each function's deployed code can call: each handler is bundled with esbuild as SST would
 *   (tree-shaken, the AWS SDK external) and every `new XxxCommand(` left in the bundle is mapped to
 *   the IAM action it needs. DynamoDB commands are covered by `link: [table]` (SST grants the
 *   function DynamoDB actions on the linked table and its indexes), so for those the link is checked;
 *   Scheduler and SES commands must be granted by `permissions`, on the right ARNs, and nothing more
 *   (Scheduler commands only where the scheduler variables make them reachable, see aws-deps.ts);
 * - every `Resource.X` a bundle reads directly is linked; the schedule group → role (PassRole) → timer runner
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
import {
  FUNCTION_CONFIG,
  type FunctionName,
  LINKED,
  loadFunctionConfig,
  PARTS,
  withLinks,
} from "@redial/functions";
import { build } from "esbuild";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ACCOUNT, installStandIn, REGION, type Recorded } from "./stand-in.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const DOMAIN = "acme.example";
const STAGE = "prod";

let recorded: Recorded[];
let routes: { path: string; handler: unknown }[];
let resourcesOf: (links: unknown[]) => Record<string, object>;
let outputs: Record<string, unknown>;
let app: Record<string, unknown>;

beforeAll(async () => {
  ({ recorded, routes, resourcesOf } = installStandIn(STAGE));
  Object.assign(process.env, DEPLOY_ENV);
  const config = (await import(/* @vite-ignore */ `${root}sst.config.ts`)).default;
  app = config.app({ stage: STAGE });
  outputs = await config.run();
});

/** The deploying shell: two native connectors and one source of its own (acme), a CRM webhook. */
const DEPLOY_ENV = {
  REDIAL_POSTAL_ADDRESS: "Acme Inc., 1 Main St, Springfield",
  REDIAL_EMAIL_DOMAIN: DOMAIN,
  REDIAL_EXPORT_RECIPIENTS: "sales-ops@acme.example",
  REDIAL_ALARM_EMAIL: "ops@acme.example",
  REDIAL_CRM_WEBHOOK_URL: "https://crm.acme.example/hooks/redial",
  REDIAL_CRM_SOURCES: "hubspot salesforce acme",
  REDIAL_SALESFORCE_ORG_ID: "00D5e000000KQ2eEAG",
};

const all = (type: string) => recorded.filter((r) => r.type === type);
function one(type: string, name: string): Recorded {
  const found = recorded.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`No ${type}("${name}") declared`);
  return found;
}
const env = (fn: Recorded) => fn.args.environment as Record<string, string>;
const links = (fn: Recorded) => (fn.args.link as unknown[] | undefined) ?? [];
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

/** What the function's code sees at a cold start: its environment with its links over it (linkedEnvironment). */
const runtimeEnv = (fn: Recorded) =>
  withSecrets(withLinks(env(fn), resourcesOf(links(fn))) as Record<string, string>);

/** The stacks' function → the FUNCTION_CONFIG entry its handler loads. */
const FUNCTION_OF: Record<string, FunctionName> = {
  ApiFunction: "api",
  TimerRunner: "timers",
  ReconcileTimers: "reconcile",
  SesEvents: "ses-events",
  WeeklyExport: "export",
};
const configOf = (fn: Recorded) => loadFunctionConfig(FUNCTION_OF[fn.name] as FunctionName, runtimeEnv(fn));

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

  it("declares the secrets: webhook (one, plus one per source), API token, unsubscribe key, CRM, connectors", () => {
    expect(all("sst.Secret").map((s) => s.name)).toEqual([
      "WebhookSecret",
      // REDIAL_CRM_SOURCES="hubspot salesforce acme": every source signs /v1/events with its own…
      "WebhookSecretHubspot",
      "WebhookSecretSalesforce",
      "WebhookSecretAcme",
      "ApiToken",
      "UnsubscribeKey",
      "CrmWebhookSecret",
      // …and the native connectors among them get their credentials (acme is not one).
      "HubspotSecret",
      "SalesforceSecret",
    ]);
    // One link joins them, space-separated, for REDIAL_WEBHOOK_SECRET.
    expect(one("sst.Linkable", "WebhookSecrets").args).toEqual({
      properties: {
        value:
          "value-of:WebhookSecret value-of:WebhookSecretHubspot value-of:WebhookSecretSalesforce value-of:WebhookSecretAcme",
      },
    });
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

  it("gives each function, in its environment and links, exactly its parts' variables (FUNCTION_CONFIG)", () => {
    const scheduler = [
      "REDIAL_SCHEDULE_GROUP",
      "REDIAL_TIMER_TARGET_ARN",
      "REDIAL_SCHEDULER_ROLE_ARN",
      "REDIAL_TIMER_DLQ_ARN",
    ];
    const sender = [
      "REDIAL_TABLE_NAME",
      "REDIAL_PUBLIC_URL",
      "REDIAL_UNSUBSCRIBE_KEY",
      "REDIAL_EMAIL_DOMAIN",
      "REDIAL_SES_CONFIGURATION_SET",
      "REDIAL_POSTAL_ADDRESS",
      ...scheduler,
      "REDIAL_CRM_WEBHOOK_URL",
      "REDIAL_CRM_WEBHOOK_SECRET",
    ];
    // Of this stage (DEPLOY_ENV): no team zone, no Pipedrive.
    const expected: Record<string, string[]> = {
      ApiFunction: [
        "REDIAL_TABLE_NAME",
        "REDIAL_WEBHOOK_SECRET",
        "REDIAL_API_TOKEN",
        "REDIAL_HUBSPOT_SECRET",
        "REDIAL_SALESFORCE_SECRET",
        "REDIAL_SALESFORCE_ORG_ID",
        "REDIAL_PUBLIC_URL",
        "REDIAL_UNSUBSCRIBE_KEY",
        ...scheduler,
      ],
      TimerRunner: sender,
      ReconcileTimers: sender,
      SesEvents: ["REDIAL_TABLE_NAME", ...scheduler],
      WeeklyExport: [
        "REDIAL_TABLE_NAME",
        "REDIAL_PUBLIC_URL",
        "REDIAL_EMAIL_DOMAIN",
        "REDIAL_SES_CONFIGURATION_SET",
        "REDIAL_POSTAL_ADDRESS",
        "REDIAL_EXPORT_RECIPIENTS",
      ],
    };
    const linkedVariable = Object.fromEntries(
      Object.entries(LINKED).map(([variable, { resource }]) => [resource, variable]),
    );
    for (const fn of all("sst.aws.Function")) {
      const name = FUNCTION_OF[fn.name] as FunctionName;
      const parts = new Set<string>(FUNCTION_CONFIG[name].flatMap((part) => PARTS[part]));
      const linked = Object.keys(resourcesOf(links(fn))).map((resource) => linkedVariable[resource]);
      const given = [...Object.keys(env(fn)).filter((v) => v.startsWith("REDIAL_")), ...linked];

      expect(
        given.filter((variable) => !parts.has(String(variable))),
        `${fn.name} beyond its parts`,
      ).toEqual([]);
      expect([...given].sort(), fn.name).toEqual([...(expected[fn.name] ?? [])].sort());
      // A secret or the table's name only ever comes from a link.
      for (const [variable, value] of Object.entries(env(fn))) {
        expect(value, `${fn.name} ${variable}`).not.toContain("value-of:");
        expect(Object.keys(LINKED), `${fn.name} ${variable}`).not.toContain(variable);
      }
      // What its code loads from what it is given, as at a cold start.
      expect(() => configOf(fn), fn.name).not.toThrow();
      // Its handler loads the same entry of FUNCTION_CONFIG.
      expect(readFileSync(handlerOf(fn).file, "utf8"), fn.name).toContain(`Deps("${name}")`);
    }
    const holders = (variable: string) =>
      all("sst.aws.Function")
        .filter((fn) => Object.keys(runtimeEnv(fn)).includes(variable))
        .map((fn) => fn.name);
    expect(holders("REDIAL_WEBHOOK_SECRET")).toEqual(["ApiFunction"]);
    expect(holders("REDIAL_API_TOKEN")).toEqual(["ApiFunction"]);
  });

  it("reads, in each function, valid values from its links: senders can send, the API can check signatures", () => {
    const api = configOf(one("sst.aws.Function", "ApiFunction"));
    expect(api).toMatchObject({
      tableName: "redial-prod-Table",
      salesforce: { organizationId: "00D5e000000KQ2eEAG" },
    });
    expect("webhookSecrets" in api && api.webhookSecrets).toHaveLength(4);
    for (const name of ["TimerRunner", "ReconcileTimers", "WeeklyExport"]) {
      expect(configOf(one("sst.aws.Function", name)), name).toMatchObject({
        tableName: "redial-prod-Table",
        emailDomain: DOMAIN,
        sesConfigurationSet: "redial-prod",
      });
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
      if (!("scheduler" in configOf(fn) && configOf(fn).scheduler)) {
        needs.delete("scheduler:CreateSchedule");
        needs.delete("scheduler:DeleteSchedule");
      }
      // PassRole goes with CreateSchedule: the schedule names the role Scheduler assumes.
      if (needs.has("scheduler:CreateSchedule")) needs.add("iam:PassRole");
      // An on-failure destination is sent by Lambda with the function's role, not by its code.
      if (onFailure.some((c) => c.args.functionName === fn.resource.name)) needs.add("sqs:SendMessage");
      expect(links(fn).includes(table.resource), `${fn.name} links the table`).toBe(needs.has(DYNAMO));
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
      expect("scheduler" in configOf(fn) && configOf(fn).scheduler, fn.name).toBeTruthy();
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

describe("REDIAL_CRM_SOURCES at deploy time", () => {
  const secretsStack = async () => {
    vi.resetModules();
    return import(/* @vite-ignore */ `${root}stacks/secrets.ts`);
  };
  afterEach(() => {
    process.env.REDIAL_CRM_SOURCES = DEPLOY_ENV.REDIAL_CRM_SOURCES;
    delete process.env.REDIAL_WEBHOOK_SOURCES;
  });

  it("stops the deploy on a source name that is not lowercase letters and digits, naming each", async () => {
    process.env.REDIAL_CRM_SOURCES = "hubspot Hub-Spot acme_crm";
    await expect(secretsStack()).rejects.toThrow(
      'REDIAL_CRM_SOURCES: not a source name: "Hub-Spot", "acme_crm"',
    );
  });

  it("stops the deploy while the variable it replaced, REDIAL_WEBHOOK_SOURCES, is still set", async () => {
    process.env.REDIAL_WEBHOOK_SOURCES = "hubspot";
    await expect(secretsStack()).rejects.toThrow(/REDIAL_WEBHOOK_SOURCES is now REDIAL_CRM_SOURCES/);
  });
});
