import { accountId, type Environment, emailDomain, functionDefaults, optionalEnv, region } from "./config";
import { functionConfig } from "./function-config";
import { schedulerPermissions } from "./scheduler";

/**
 * Sending: the SES domain identity (Easy DKIM; the DKIM and DMARC records go to Route 53 unless
 * REDIAL_EMAIL_DNS=manual, then add the records the SES console shows), the configuration set every
 * email names (reputation metrics on, for the alarms), its events published to the default EventBridge
 * bus, and the rule that hands bounces and complaints to the SES-events function (R11, R0).
 *
 * sst.aws.Email also makes a configuration set of its own (the identity's default); Redial's mailer
 * names this one explicitly on every send (REDIAL_SES_CONFIGURATION_SET), so its events and metrics
 * are the ones that count.
 */
export const email = new sst.aws.Email("Email", {
  sender: emailDomain,
  dmarc: optionalEnv("REDIAL_DMARC") ?? "v=DMARC1; p=quarantine; adkim=s; aspf=s;",
  ...(optionalEnv("REDIAL_EMAIL_DNS") === "manual" ? { dns: false as const } : {}),
});

export const configurationSetName = `${$app.name}-${$app.stage}`;

export const configSet = new aws.sesv2.ConfigurationSet("EmailConfigSet", {
  configurationSetName,
  reputationOptions: { reputationMetricsEnabled: true },
  sendingOptions: { sendingEnabled: true },
  deliveryOptions: { tlsPolicy: "REQUIRE" },
});

const defaultBusArn = $interpolate`arn:aws:events:${region}:${accountId}:event-bus/default`;

/** The SES event types Redial parses (packages/core/src/schemas/ses-event.ts), as SES v2 names them. */
export const SES_EVENT_TYPES = [
  "BOUNCE",
  "COMPLAINT",
  "DELIVERY",
  "REJECT",
  "RENDERING_FAILURE",
  "DELIVERY_DELAY",
] as const;

new aws.sesv2.ConfigurationSetEventDestination("EmailEventsToEventBridge", {
  configurationSetName: configSet.configurationSetName,
  eventDestinationName: "eventbridge",
  eventDestination: {
    enabled: true,
    matchingEventTypes: [...SES_EVENT_TYPES],
    eventBridgeDestination: { eventBusArn: defaultBusArn },
  },
});

/** `ses:SendEmail` on exactly the identity and the configuration set a send names. */
export const sesPermissions = [
  {
    actions: ["ses:SendEmail"],
    resources: [$interpolate`arn:aws:ses:${region}:${accountId}:identity/${emailDomain}`, configSet.arn],
  },
];

/** The sending part's settings but the postal address (stageConfig): for the functions that send. */
export const sendingEnv: Environment = {
  REDIAL_EMAIL_DOMAIN: emailDomain,
  REDIAL_SES_CONFIGURATION_SET: configSet.configurationSetName,
};

/** An event EventBridge could not deliver after its retries is kept here (the handler throws on junk). */
export const sesEventsDlq = new sst.aws.Queue("SesEventsDlq");

export const sesEventsFunction = new sst.aws.Function("SesEvents", {
  ...functionDefaults,
  handler: "packages/functions/src/ses-events/lambda.handler",
  memory: "256 MB",
  timeout: "30 seconds",
  // The table and the scheduler: no secret at all.
  ...functionConfig("ses-events"),
  // A complaint or hard bounce cancels timers (R0, R11); this function sends nothing.
  permissions: schedulerPermissions,
});

export const sesEventsRule = new aws.cloudwatch.EventRule("SesEventsRule", {
  description: "SES events of Redial's configuration set to the SES-events function",
  eventPattern: $jsonStringify({
    source: ["aws.ses"],
    "detail-type": [
      "Email Bounced",
      "Email Complaint Received",
      "Email Delivered",
      "Email Rejected",
      "Email Rendering Failed",
      "Email Delivery Delayed",
    ],
    detail: { mail: { tags: { "ses:configuration-set": [configSet.configurationSetName] } } },
  }),
});

new aws.cloudwatch.EventTarget("SesEventsTarget", {
  rule: sesEventsRule.name,
  arn: sesEventsFunction.arn,
  retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 86_400 },
  deadLetterConfig: { arn: sesEventsDlq.arn },
});

new aws.lambda.Permission("SesEventsInvoke", {
  action: "lambda:InvokeFunction",
  function: sesEventsFunction.name,
  principal: "events.amazonaws.com",
  sourceArn: sesEventsRule.arn,
});

// EventBridge writes to the dead-letter queue with its own principal, scoped to this rule.
new aws.sqs.QueuePolicy("SesEventsDlqPolicy", {
  queueUrl: sesEventsDlq.url,
  policy: $jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: sesEventsDlq.arn,
        Condition: { ArnEquals: { "aws:SourceArn": sesEventsRule.arn } },
      },
    ],
  }),
});
