/**
 * Redial's real SST program (sst.config.ts + stacks/*.ts) run with SST's real components under
 * Pulumi's mocks (scripts/stacks/run-mocked.ts), for `prod` and a dev stage, both as a deploy
 * (`$dev` false), and what a deploy would create checked resource by resource: each function's role
 * (least privilege against its bundle, trust), Lambda limits, bundles, the Scheduler chain, sending
 * through SES, the crons, the alarms and the table. Every function's settings, trust, policy and
 * bundle are printed for review. What only a real deploy proves: docs/deploy.md.
 *
 * It needs SST's platform in .sst/platform (`npm run sst:install`): without it the suite is
 * skipped, except in CI (CI=true), where that is a failure.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { FUNCTION_CONFIG, type FunctionName } from "../../packages/functions/src/config/functions.ts";
import { LINKED } from "../../packages/functions/src/config/linked.ts";
import { PARTS } from "../../packages/functions/src/config/parts.ts";
import { BUDGETS } from "../../scripts/build-functions.ts";
import { countByType, formatFunctions, functionReports } from "../../scripts/stacks/report.ts";
import { type MockedRun, runMocked } from "../../scripts/stacks/run-mocked.ts";
import { SAMPLE_ENV } from "../../scripts/stacks/sample-env.ts";
import { skipWithoutPlatform } from "../support/sst-platform.ts";
import { coldConfig } from "./cold-config.ts";
import { ACCOUNT, grantedBy, neededGrants, REGION } from "./least-privilege.ts";

const FUNCTIONS = ["ApiFunction", "ReconcileTimers", "SesEvents", "TimerRunner", "WeeklyExport"];
/** Each function's entry in FUNCTION_CONFIG (packages/functions/src/config/functions.ts). */
const CONFIG_KEYS: Record<string, FunctionName> = {
  ApiFunction: "api",
  ReconcileTimers: "reconcile",
  SesEvents: "ses-events",
  TimerRunner: "timers",
  WeeklyExport: "export",
};
const SECRET_VALUES = Object.entries(SAMPLE_ENV)
  .filter(([name]) => name.startsWith("SST_SECRET_"))
  .map(([, value]) => value);
const STAGES = ["prod", "dev"] as const;
const DOMAIN = SAMPLE_ENV.REDIAL_EMAIL_DOMAIN ?? "";
/** Lambda's own limits. */
const MAX_TIMEOUT_S = 900;
const MAX_ENVIRONMENT_BYTES = 4096;

const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
const parse = (text: unknown) => (typeof text === "string" ? JSON.parse(text) : text);

describe.skipIf(skipWithoutPlatform())("SST's real components under Pulumi's mocks", () => {
  const runs: Partial<Record<(typeof STAGES)[number], MockedRun>> = {};

  describe.each(STAGES)("stage %s", (stage) => {
    // Stage by stage: a run builds the five bundles and their links into .sst/artifacts, as a deploy
    // does, so the next stage's run replaces them.
    beforeAll(async () => {
      runs[stage] = await runMocked({ stage, env: SAMPLE_ENV });
    }, 180_000);

    const run = (): MockedRun => {
      const found = runs[stage];
      if (!found) throw new Error(`No mocked run for ${stage}`);
      return found;
    };
    const all = (type: string) => run().resources.filter((r) => r.type === type);
    const one = (type: string, name: string) => {
      const found = all(type).find((r) => r.name === name);
      if (!found) throw new Error(`No ${type} named ${name}`);
      return found;
    };
    const lambdaArn = (fn: string) => {
      const report = functionReports(run()).find((f) => f.name === fn);
      if (!report) throw new Error(`No function ${fn}`);
      return String(report.lambda.arn);
    };
    const queueArn = (name: string) => String(one("aws:sqs/queue:Queue", name).arn);

    it("records every resource, by type, and returns the outputs", () => {
      const counts = countByType(run().resources);
      console.log(
        `${stage}: ${run().resources.length} resources in ${run().timings.totalMs} ms\n` +
          Object.entries(counts)
            .map(([type, n]) => `  ${String(n).padStart(3)} ${type}`)
            .join("\n"),
      );
      expect(counts["aws:lambda/function:Function"]).toBe(FUNCTIONS.length);
      expect(run().app).toMatchObject(
        stage === "prod"
          ? { name: "redial", stage, removal: "retain", protect: true }
          : { name: "redial", stage, removal: "remove", protect: false },
      );
      for (const key of ["api", "table", "sender", "configurationSet", "scheduleGroup", "alarms"])
        expect(run().outputs[key], key).toEqual(expect.any(String));
      expect(run().outputs.timerRunner).toBe(`redial-${stage}-TimerRunner`);
    });

    it("grants each function exactly what its bundle sends, on its own resources, and no wildcard", () => {
      console.log(`${stage}: functions, roles and bundles\n${formatFunctions(run())}`);
      const reports = functionReports(run());
      expect(reports.map((f) => f.name).sort()).toEqual(FUNCTIONS);
      for (const f of reports) {
        const statements = f.inlinePolicies.flatMap((p) => p.Statement);
        expect(grantedBy(statements), f.name).toEqual(neededGrants(run(), f, DOMAIN));
        for (const s of statements) {
          expect(JSON.stringify(s.Action), f.name).not.toContain("*");
          expect([s.Resource].flat(), f.name).not.toContain("*");
        }
      }
    });

    it("lets Lambda alone assume each function's role", () => {
      for (const f of functionReports(run()))
        expect(f.assumeRolePolicy?.Statement, f.name).toEqual([
          { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
        ]);
    });

    it("loads each function's configuration from what SST gives it: settings as variables, secrets and the table from links", () => {
      const table = String(one("aws:dynamodb/table:Table", "TableTable").physicalName);
      for (const f of functionReports(run())) {
        const env = (f.lambda.inputs.environment as { variables: Record<string, string> }).variables;
        // No secret in any environment: the Lambda console shows those to anyone who may read the function.
        for (const variable of Object.keys(LINKED))
          expect(env[variable], `${f.name} ${variable}`).toBeUndefined();
        for (const value of Object.values(env))
          for (const secret of SECRET_VALUES) expect(value, f.name).not.toContain(secret);
        const key = CONFIG_KEYS[f.name];
        if (!key) throw new Error(`${f.name} has no FUNCTION_CONFIG entry`);
        // Only its own parts: each variable in the environment or as a link, nothing else.
        const variables: string[] = FUNCTION_CONFIG[key].flatMap((part) => [...PARTS[part]]);
        const own = Object.keys(env).filter((name) => !name.startsWith("SST_"));
        expect(
          own.filter((name) => !variables.includes(name)),
          f.name,
        ).toEqual([]);
        const loaded = coldConfig(String(f.bundle?.file), key, env);
        expect(loaded.error, f.name).toBeUndefined();
        const linkable = Object.entries(LINKED)
          .filter(([variable]) => variables.includes(variable))
          .map(([, link]) => link.resource);
        expect(
          loaded.links?.filter((name) => !linkable.includes(name as never)),
          f.name,
        ).toEqual([]);
        expect(loaded.config?.tableName, f.name).toBe(table);
        // Only the API holds the inbound secrets.
        expect("apiToken" in (loaded.config ?? {}), f.name).toBe(f.name === "ApiFunction");
        expect("webhookSecrets" in (loaded.config ?? {}), f.name).toBe(f.name === "ApiFunction");
      }
      const api = functionReports(run()).find((f) => f.name === "ApiFunction");
      if (!api) throw new Error("No ApiFunction");
      const apiEnv = (api.lambda.inputs.environment as { variables: Record<string, string> }).variables;
      expect(coldConfig(String(api.bundle?.file), "api", apiEnv).config).toMatchObject({
        apiToken: SAMPLE_ENV.SST_SECRET_ApiToken,
        webhookSecrets: [
          SAMPLE_ENV.SST_SECRET_WebhookSecret,
          SAMPLE_ENV.SST_SECRET_WebhookSecretHubspot,
          SAMPLE_ENV.SST_SECRET_WebhookSecretSalesforce,
        ],
      });
    });

    it("keeps every function within Lambda's limits: Node 22 on arm64, ≤ 15 min, memory in MB, ≤ 4 KB of environment", () => {
      for (const f of functionReports(run())) {
        expect(f.runtime, f.name).toBe("nodejs22.x");
        expect(f.architectures, f.name).toEqual(["arm64"]);
        expect(f.timeout, f.name).toEqual(expect.any(Number));
        expect(Number(f.timeout), f.name).toBeGreaterThan(0);
        expect(Number(f.timeout), f.name).toBeLessThanOrEqual(MAX_TIMEOUT_S);
        expect(Number.isInteger(f.memorySize) && Number(f.memorySize) >= 128, f.name).toBe(true);
        expect(Number(f.memorySize), f.name).toBeLessThanOrEqual(10_240);
        expect(f.environmentBytes, f.name).toBeLessThan(MAX_ENVIRONMENT_BYTES);
      }
      // Up to 2,000 timers a run (timers/reconcile.ts); the runner's 10 s CRM attempts fit in 30 s.
      const timeouts = Object.fromEntries(functionReports(run()).map((f) => [f.name, f.timeout]));
      expect(timeouts).toEqual({
        ApiFunction: 10,
        ReconcileTimers: 900,
        SesEvents: 30,
        TimerRunner: 30,
        WeeklyExport: 300,
      });
    });

    it("bundles each handler with the playbook embedded: no YAML parser, no file readers, within budget", () => {
      for (const f of functionReports(run())) {
        const bundle = f.bundle;
        if (!bundle) throw new Error(`${f.name} has no bundle`);
        expect(f.lambda.inputs.handler, f.name).toBe("bundle.handler");
        expect(bundle.exports, f.name).toContain("handler");
        expect(bundle.yamlMarkers, f.name).toEqual([]);
        const text = readFileSync(bundle.file, "utf8");
        // The readers' stand-in (stacks/esbuild-plugins.mjs), not packages/functions/src/playbook-files.ts.
        expect(text, f.name).toContain(
          "a Redial bundle embeds its playbook and templates and reads no files",
        );
        expect(text, f.name).toContain("globalThis.__REDIAL_EMBEDDED__");
        expect(bundle.bytes, f.name).toBeLessThanOrEqual(
          f.name === "ApiFunction" ? BUDGETS.api : BUDGETS.other,
        );
      }
    });

    it("chains the schedule group → role (PassRole) → timer runner → dead-letter queue", () => {
      const role = one("aws:iam/role:Role", "SchedulerRole");
      expect(parse(role.inputs.assumeRolePolicy).Statement).toEqual([
        {
          Effect: "Allow",
          Principal: { Service: "scheduler.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
        },
      ]);
      const policy = all("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "SchedulerRolePolicy");
      expect(parse(policy?.inputs.policy).Statement).toEqual([
        { Effect: "Allow", Action: "lambda:InvokeFunction", Resource: lambdaArn("TimerRunner") },
        { Effect: "Allow", Action: "sqs:SendMessage", Resource: queueArn("TimerDlqQueue") },
      ]);
      expect(one("aws:sqs/queue:Queue", "TimerDlqQueue").inputs.messageRetentionSeconds).toBe(1_209_600);
      expect(
        one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "TimerRunnerOnFailure").inputs,
      ).toEqual({
        functionName: `redial-${stage}-TimerRunner`,
        maximumRetryAttempts: 2,
        destinationConfig: { onFailure: { destination: queueArn("TimerDlqQueue") } },
      });
      const group = String(one("aws:scheduler/scheduleGroup:ScheduleGroup", "TimerGroup").physicalName);
      const scheduling = functionReports(run()).filter((f) => f.name !== "WeeklyExport");
      for (const f of scheduling) {
        const env = (f.lambda.inputs.environment as { variables: Record<string, string> }).variables;
        expect(env, f.name).toMatchObject({
          REDIAL_SCHEDULE_GROUP: group,
          REDIAL_TIMER_TARGET_ARN: lambdaArn("TimerRunner"),
          REDIAL_SCHEDULER_ROLE_ARN: role.arn,
          REDIAL_TIMER_DLQ_ARN: queueArn("TimerDlqQueue"),
        });
      }
    });

    it("sends from the verified domain, with DKIM and DMARC records, and hands SES events to their function", () => {
      expect(one("aws:sesv2/emailIdentity:EmailIdentity", "EmailIdentity").inputs.emailIdentity).toBe(DOMAIN);
      const records = all("aws:route53/record:Record").map((r) => r.inputs);
      const dkim = records.filter((r) => r.type === "CNAME");
      expect(dkim).toHaveLength(3);
      for (const r of dkim) {
        expect(String(r.name)).toMatch(new RegExp(`^\\w+\\._domainkey\\.${DOMAIN.replace(".", "\\.")}$`));
        expect(String((r.records as string[])[0])).toMatch(/\.dkim\.amazonses\.com$/);
      }
      expect(records.filter((r) => r.type === "TXT").map((r) => r.name)).toEqual([`_dmarc.${DOMAIN}`]);
      const configSet = one("aws:sesv2/configurationSet:ConfigurationSet", "EmailConfigSet").inputs;
      expect(configSet).toMatchObject({
        configurationSetName: `redial-${stage}`,
        reputationOptions: { reputationMetricsEnabled: true },
      });
      expect(
        one(
          "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination",
          "EmailEventsToEventBridge",
        ).inputs.eventDestination,
      ).toMatchObject({
        enabled: true,
        matchingEventTypes: expect.arrayContaining(["BOUNCE", "COMPLAINT"]),
        eventBridgeDestination: { eventBusArn: arn("events", "event-bus/default") },
      });
      const rule = one("aws:cloudwatch/eventRule:EventRule", "SesEventsRule");
      expect(parse(rule.inputs.eventPattern)).toMatchObject({
        source: ["aws.ses"],
        detail: { mail: { tags: { "ses:configuration-set": [`redial-${stage}`] } } },
      });
      expect(one("aws:cloudwatch/eventTarget:EventTarget", "SesEventsTarget").inputs).toMatchObject({
        arn: lambdaArn("SesEvents"),
        deadLetterConfig: { arn: queueArn("SesEventsDlqQueue") },
      });
      const invoke = one("aws:lambda/permission:Permission", "SesEventsInvoke").inputs;
      expect(invoke).toMatchObject({ action: "lambda:InvokeFunction", principal: "events.amazonaws.com" });
      expect(invoke.function).toBe(
        functionReports(run()).find((f) => f.name === "SesEvents")?.lambda.inputs.name,
      );
      expect(invoke.sourceArn).toBe(rule.arn);
      const api = all("aws:lambda/permission:Permission").filter((p) => p.name !== "SesEventsInvoke");
      expect(api.map((p) => p.inputs.principal)).toEqual(["apigateway.amazonaws.com"]);
    });

    it("runs the weekly export at the playbook's weekday and time in the team's zone, and reconciles daily", () => {
      const schedules = all("aws:scheduler/schedule:Schedule").map((s) => s.inputs);
      for (const s of schedules) {
        // A zone Scheduler cannot place fails the deploy; one Intl does not know would too.
        expect(
          () => new Intl.DateTimeFormat("en", { timeZone: String(s.scheduleExpressionTimezone) }),
        ).not.toThrow();
      }
      const playbook = readFileSync("playbook/playbook.yaml", "utf8");
      const [, weekday, hh, mm] =
        /weeklyExport:\s*\n\s*weekday:\s*(\d)[^\n]*\n\s*time:\s*"(\d\d):(\d\d)"/.exec(playbook) ?? [];
      // ISO weekday → Scheduler's day name, by the calendar (2024-01-01 was a Monday), not by a table.
      const day = new Intl.DateTimeFormat("en-US", { weekday: "short", timeZone: "UTC" })
        .format(Date.UTC(2024, 0, Number(weekday)))
        .toUpperCase();
      const weekly = schedules.find((s) => (s.target as { arn: string }).arn === lambdaArn("WeeklyExport"));
      expect(weekly).toMatchObject({
        scheduleExpression: `cron(${Number(mm)} ${Number(hh)} ? * ${day} *)`,
        scheduleExpressionTimezone: "America/New_York",
        target: { retryPolicy: { maximumRetryAttempts: 3 } },
      });
      const daily = schedules.find((s) => (s.target as { arn: string }).arn === lambdaArn("ReconcileTimers"));
      expect(daily).toMatchObject({
        scheduleExpression: "cron(30 3 * * ? *)",
        scheduleExpressionTimezone: "UTC",
        target: { retryPolicy: { maximumRetryAttempts: 2 } },
      });
    });

    it("alarms on SES reputation, both dead-letter queues and every function's errors, to one topic", () => {
      const topic = one("aws:sns/topic:Topic", "AlarmsTopic").arn;
      expect(one("aws:sns/topicSubscription:TopicSubscription", "AlarmsEmail").inputs).toMatchObject({
        topic,
        protocol: "email",
        endpoint: SAMPLE_ENV.REDIAL_ALARM_EMAIL,
      });
      const alarms = all("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.inputs);
      for (const a of alarms) {
        expect(a, String(a.alarmDescription)).toMatchObject({ alarmActions: [topic], okActions: [topic] });
        expect(Number(a.evaluationPeriods), String(a.alarmDescription)).toBeGreaterThanOrEqual(1);
        expect(a.threshold, String(a.alarmDescription)).toEqual(expect.any(Number));
      }
      const errors = alarms
        .filter((a) => a.namespace === "AWS/Lambda" && a.metricName === "Errors")
        .map((a) => (a.dimensions as { FunctionName: string }).FunctionName);
      expect(errors.sort()).toEqual(
        functionReports(run())
          .map((f) => String(f.lambda.inputs.name))
          .sort(),
      );
      const queues = alarms
        .filter((a) => a.metricName === "ApproximateNumberOfMessagesVisible")
        .map((a) => (a.dimensions as { QueueName: string }).QueueName);
      expect(queues.sort()).toEqual(
        all("aws:sqs/queue:Queue")
          .map((q) => String(q.inputs.name))
          .sort(),
      );
      expect(alarms.find((a) => a.metricName === "Reputation.BounceRate")?.threshold).toBe(0.04);
      expect(alarms.find((a) => a.metricName === "Reputation.ComplaintRate")?.threshold).toBe(0.0008);
    });

    it("keeps the table: TTL on expiresAt, point-in-time recovery; on prod, deletion protection and retained", () => {
      const table = one("aws:dynamodb/table:Table", "TableTable");
      expect(table.inputs).toMatchObject({
        ttl: { attributeName: "expiresAt", enabled: true },
        pointInTimeRecovery: { enabled: true },
        deletionProtectionEnabled: stage === "prod",
      });
      expect(table.options?.retainOnDelete === true).toBe(stage === "prod");
    });
  });
});
