/**
 * What each function's role must grant, worked out from its deployed bundle rather than from the
 * stacks: the AWS SDK commands the bundle imports (`@aws-sdk/*` stays external on Lambda, so the
 * command names survive minification), each mapped to the IAM actions it needs (the AWS service
 * authorization reference), on the resources it touches. The test compares this with SST's inline
 * policy, action by action and resource by resource: a missing grant, an extra action, a wildcard or
 * a grant on another resource all fail.
 */
import { readFileSync } from "node:fs";
import type { FunctionReport, PolicyStatement } from "../../scripts/stacks/report.ts";
import type { MockedRun, RecordedResource } from "../../scripts/stacks/run-mocked.ts";

/** As scripts/stacks/mock-aws.mjs answers getRegion and getCallerIdentity. */
export const REGION = "us-east-1";
export const ACCOUNT = "123456789012";
const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;

/** IAM actions per SDK command. A transaction's items need their own item actions. */
export const COMMAND_ACTIONS: Record<string, string[]> = {
  BatchGetCommand: ["dynamodb:BatchGetItem"],
  BatchWriteCommand: ["dynamodb:BatchWriteItem"],
  GetCommand: ["dynamodb:GetItem"],
  PutCommand: ["dynamodb:PutItem"],
  UpdateCommand: ["dynamodb:UpdateItem"],
  DeleteCommand: ["dynamodb:DeleteItem"],
  QueryCommand: ["dynamodb:Query"],
  ScanCommand: ["dynamodb:Scan"],
  TransactGetCommand: ["dynamodb:GetItem"],
  TransactWriteCommand: [
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
  ],
  // A schedule names the role Scheduler assumes: creating one passes that role.
  CreateScheduleCommand: ["scheduler:CreateSchedule", "iam:PassRole"],
  DeleteScheduleCommand: ["scheduler:DeleteSchedule"],
  SendEmailCommand: ["ses:SendEmail"],
};

/** The SDK commands a bundle imports, sorted. */
export function commandsOf(bundleFile: string): string[] {
  const text = readFileSync(bundleFile, "utf8");
  const names = [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*"@aws-sdk\/[\w-]+"/g)].flatMap((m) =>
    String(m[1])
      .split(",")
      .map((part) => part.trim().split(/\s+as\s+/)[0] ?? ""),
  );
  return [...new Set(names.filter((name) => name.endsWith("Command")))].sort();
}

const one = (run: MockedRun, type: string, name: string): RecordedResource => {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`No ${type} named ${name} in the ${run.stage} run`);
  return found;
};
const physical = (r: RecordedResource) => String(r.physicalName ?? r.inputs.name);

/** The resources each action may touch, for this run's physical names. */
export function resourcesByAction(run: MockedRun, domain: string): Record<string, string[]> {
  const table = arn("dynamodb", `table/${physical(one(run, "aws:dynamodb/table:Table", "TableTable"))}`);
  const group = physical(one(run, "aws:scheduler/scheduleGroup:ScheduleGroup", "TimerGroup"));
  const configSet = String(
    one(run, "aws:sesv2/configurationSet:ConfigurationSet", "EmailConfigSet").inputs.configurationSetName,
  );
  const items = [table];
  return {
    "dynamodb:BatchGetItem": items,
    "dynamodb:BatchWriteItem": items,
    "dynamodb:ConditionCheckItem": items,
    "dynamodb:DeleteItem": items,
    "dynamodb:GetItem": items,
    "dynamodb:PutItem": items,
    "dynamodb:UpdateItem": items,
    "dynamodb:Scan": items,
    // The store queries the table and its two global indexes.
    "dynamodb:Query": [table, `${table}/index/*`],
    "scheduler:CreateSchedule": [arn("scheduler", `schedule/${group}/*`)],
    "scheduler:DeleteSchedule": [arn("scheduler", `schedule/${group}/*`)],
    "iam:PassRole": [
      `arn:aws:iam::${ACCOUNT}:role/${physical(one(run, "aws:iam/role:Role", "SchedulerRole"))}`,
    ],
    "ses:SendEmail": [arn("ses", `configuration-set/${configSet}`), arn("ses", `identity/${domain}`)],
    "sqs:SendMessage": [arn("sqs", physical(one(run, "aws:sqs/queue:Queue", "TimerDlqQueue")))],
  };
}

/**
 * action → resources a function needs: its bundle's commands; Scheduler's only where its
 * configuration makes them reachable (without REDIAL_SCHEDULE_GROUP a function only logs timers);
 * and sqs:SendMessage where Lambda sends its failed runs to a DLQ with the function's role.
 */
export function neededGrants(run: MockedRun, f: FunctionReport, domain: string): Record<string, string[]> {
  if (!f.bundle) throw new Error(`${f.name} has no bundle`);
  const env = (f.lambda.inputs.environment as { variables?: Record<string, string> }).variables ?? {};
  const schedules = env.REDIAL_SCHEDULE_GROUP !== undefined;
  const actions = new Set(
    commandsOf(f.bundle.file)
      .filter((command) => schedules || !command.includes("Schedule"))
      .flatMap((command) => {
        const needed = COMMAND_ACTIONS[command];
        if (!needed) throw new Error(`${f.name} sends ${command}: add it to COMMAND_ACTIONS`);
        return needed;
      }),
  );
  const onFailure = run.resources.some(
    (r) =>
      r.type === "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig" &&
      r.inputs.functionName === f.lambda.inputs.name,
  );
  if (onFailure) actions.add("sqs:SendMessage");
  const resources = resourcesByAction(run, domain);
  return Object.fromEntries(
    [...actions]
      .sort()
      .map((action) => [action, [...(resources[action] ?? [`(no resource for ${action})`])].sort()]),
  );
}

const list = (value: unknown): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];

/** action → resources an inline policy grants (Allow statements, merged). */
export function grantedBy(statements: PolicyStatement[]): Record<string, string[]> {
  const granted: Record<string, Set<string>> = {};
  for (const s of statements.filter((statement) => statement.Effect === "Allow"))
    for (const action of list(s.Action)) {
      granted[action] ??= new Set();
      for (const resource of list(s.Resource)) granted[action].add(resource);
    }
  return Object.fromEntries(
    Object.keys(granted)
      .sort()
      .map((action) => [action, [...(granted[action] ?? [])].sort()]),
  );
}
