import { publicUrl } from "./api";
import { functionDefaults, functionName } from "./config";
import { sendingEnv, sesPermissions } from "./email";
import { functionConfig } from "./function-config";
import { schedulerPermissions, TIMER_RUNNER, timerDlq } from "./scheduler";

/**
 * The timer runner (EventBridge Scheduler's target, stacks/scheduler.ts) and the daily reconciliation
 * that runs timers whose schedule went missing. Both run core's runDueTimer: they send email, plan and
 * cancel the next timers, and deliver CRM notices (10 s per attempt, hence 30 s).
 */
const runnerSettings = { REDIAL_PUBLIC_URL: publicUrl, ...sendingEnv };
const runnerPermissions = [...schedulerPermissions, ...sesPermissions];

export const timerRunner = new sst.aws.Function(TIMER_RUNNER, {
  ...functionDefaults,
  // The table, the unsubscribe key and (with a CRM webhook) its secret; no webhook secret, no API token.
  ...functionConfig("timers", runnerSettings),
  // Lambda itself sends the on-failure record (below) with the function's role.
  permissions: [...runnerPermissions, { actions: ["sqs:SendMessage"], resources: [timerDlq.arn] }],
  handler: "packages/functions/src/timers/lambda.handler",
  memory: "512 MB",
  timeout: "30 seconds",
  transform: {
    ...functionDefaults.transform,
    // The name schedulerEnv's REDIAL_TIMER_TARGET_ARN was built from.
    function: (args) => {
      args.name = functionName(TIMER_RUNNER);
    },
  },
});

/**
 * A run that still throws after Lambda's two async retries (a store outage that outlasts them) goes to
 * the timer DLQ with the trigger that failed, beside the triggers Scheduler could not deliver, so the
 * DLQ-depth alarm tells someone; the daily reconciliation runs the timer again meanwhile. A poison
 * payload never gets here: the runner dead-letters it itself and returns (functions/src/timers/run.ts).
 */
export const timerRunnerOnFailure = new aws.lambda.FunctionEventInvokeConfig("TimerRunnerOnFailure", {
  functionName: timerRunner.name,
  maximumRetryAttempts: 2,
  destinationConfig: { onFailure: { destination: timerDlq.arn } },
});

export const reconcileFunction = new sst.aws.Function("ReconcileTimers", {
  ...functionDefaults,
  ...functionConfig("reconcile", runnerSettings),
  permissions: runnerPermissions,
  handler: "packages/functions/src/timers/reconcile.handler",
  memory: "512 MB",
  // Up to 2,000 timers a run (reconcile.ts); the rest waits for the next day.
  timeout: "15 minutes",
});

/** Daily at 03:30 UTC, a quiet hour for most sales teams; overdue by 15 minutes or more only. */
export const reconcileCron = new sst.aws.CronV2("ReconcileTimersDaily", {
  function: reconcileFunction.arn,
  schedule: "cron(30 3 * * ? *)",
  timezone: "UTC",
  retries: 2,
});
