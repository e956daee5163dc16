import { accountId, type Environment, functionArn, region } from "./config";

/**
 * What EventBridge Scheduler needs to wake the timer runner (ARCHITECTURE.md "The flow", step 3):
 * the schedule group every one-time schedule goes in, the dead-letter queue for a trigger it could not
 * deliver after its retries, and the role it assumes to do both. The timer runner's ARN is built from
 * its fixed name (stacks/config.ts functionName) because the runner schedules its own next steps:
 * its environment cannot reference its own ARN output without a cycle.
 */
export const TIMER_RUNNER = "TimerRunner";
export const timerRunnerArn = functionArn(TIMER_RUNNER);

export const scheduleGroup = new aws.scheduler.ScheduleGroup("TimerGroup", {});

export const timerDlq = new sst.aws.Queue("TimerDlq", {
  transform: {
    // Keep a dead-lettered trigger for SQS's maximum, 14 days: someone has to look at it.
    queue: (args) => {
      args.messageRetentionSeconds = 1_209_600;
    },
  },
});

export const schedulerRole = new aws.iam.Role("SchedulerRole", {
  assumeRolePolicy: $jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "scheduler.amazonaws.com" },
        Action: "sts:AssumeRole",
        // Only Scheduler acting for this account may assume it (confused-deputy guard).
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  }),
});

new aws.iam.RolePolicy("SchedulerRolePolicy", {
  role: schedulerRole.name,
  policy: $jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "lambda:InvokeFunction", Resource: timerRunnerArn },
      { Effect: "Allow", Action: "sqs:SendMessage", Resource: timerDlq.arn },
    ],
  }),
});

/** One-time schedules live in the group: `arn:aws:scheduler:<region>:<account>:schedule/<group>/*`. */
const scheduleArns = $interpolate`arn:aws:scheduler:${region}:${accountId}:schedule/${scheduleGroup.name}/*`;

/** What a function that plans or cancels timers gets: exactly what SchedulerTimers sends. */
export const schedulerPermissions = [
  { actions: ["scheduler:CreateSchedule", "scheduler:DeleteSchedule"], resources: [scheduleArns] },
  { actions: ["iam:PassRole"], resources: [schedulerRole.arn] },
];

/** config.ts: all four or none. */
export const schedulerEnv: Environment = {
  REDIAL_SCHEDULE_GROUP: scheduleGroup.name,
  REDIAL_TIMER_TARGET_ARN: timerRunnerArn,
  REDIAL_SCHEDULER_ROLE_ARN: schedulerRole.arn,
  REDIAL_TIMER_DLQ_ARN: timerDlq.arn,
};
