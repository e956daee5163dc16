import { apiFunction } from "./api";
import { optionalEnv } from "./config";
import { sesEventsDlq, sesEventsFunction } from "./email";
import { exportFunction } from "./jobs";
import { timerDlq } from "./scheduler";
import { reconcileFunction, timerRunner } from "./timers";

/**
 * Alarms to one SNS topic (REDIAL_ALARM_EMAIL at deploy time subscribes an address; confirm the mail
 * AWS sends). SES reviews an account at a 5% bounce rate and 0.1% complaint rate, so these fire
 * earlier: bounces ≥ 4%, complaints ≥ 0.08% (account-wide reputation metrics, AWS/SES). Any message
 * in a dead-letter queue, and any function error, is worth a look.
 */
export const alarmTopic = new sst.aws.SnsTopic("Alarms");

const alarmEmail = optionalEnv("REDIAL_ALARM_EMAIL");
if (alarmEmail) {
  new aws.sns.TopicSubscription("AlarmsEmail", {
    topic: alarmTopic.arn,
    protocol: "email",
    endpoint: alarmEmail,
  });
}

const toTopic = { alarmActions: [alarmTopic.arn], okActions: [alarmTopic.arn] };

new aws.cloudwatch.MetricAlarm("SesBounceRate", {
  alarmDescription: "SES bounce rate at or above 4% (SES reviews the account at 5%)",
  namespace: "AWS/SES",
  metricName: "Reputation.BounceRate",
  statistic: "Maximum",
  period: 3600,
  evaluationPeriods: 1,
  threshold: 0.04,
  comparisonOperator: "GreaterThanOrEqualToThreshold",
  treatMissingData: "notBreaching",
  ...toTopic,
});

new aws.cloudwatch.MetricAlarm("SesComplaintRate", {
  alarmDescription: "SES complaint rate at or above 0.08% (SES reviews the account at 0.1%)",
  namespace: "AWS/SES",
  metricName: "Reputation.ComplaintRate",
  statistic: "Maximum",
  period: 3600,
  evaluationPeriods: 1,
  threshold: 0.0008,
  comparisonOperator: "GreaterThanOrEqualToThreshold",
  treatMissingData: "notBreaching",
  ...toTopic,
});

for (const [name, queue] of [
  ["TimerDlqDepth", timerDlq],
  ["SesEventsDlqDepth", sesEventsDlq],
] as const) {
  new aws.cloudwatch.MetricAlarm(name, {
    alarmDescription: "A message in a dead-letter queue: a trigger or an SES event was not delivered",
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: queue.nodes.queue.name },
    statistic: "Maximum",
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    ...toTopic,
  });
}

export const monitoredFunctions = {
  ApiErrors: apiFunction,
  TimerRunnerErrors: timerRunner,
  ReconcileTimersErrors: reconcileFunction,
  SesEventsErrors: sesEventsFunction,
  WeeklyExportErrors: exportFunction,
};

for (const [name, fn] of Object.entries(monitoredFunctions)) {
  new aws.cloudwatch.MetricAlarm(name, {
    alarmDescription: "The function threw (see its JSON logs in CloudWatch Logs Insights)",
    namespace: "AWS/Lambda",
    metricName: "Errors",
    dimensions: { FunctionName: fn.name },
    statistic: "Sum",
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    ...toTopic,
  });
}
