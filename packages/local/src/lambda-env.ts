/**
 * The environment a deployed function gets (the variables stacks/ set), pointed at a running local
 * runtime instead of AWS, and nothing else from this shell. For running the Lambda bundles in a
 * plain `node` child (test/bundles, the cold-start benchmark). The AWS SDK v3 reads the
 * service-specific endpoints (AWS_ENDPOINT_URL_<SERVICE>) by itself. A moved clock (libfaketime's
 * variables) is passed on, so a function shares the clock of the runtime that invokes it.
 */
import {
  DEV_API_TOKEN,
  DEV_EMAIL_DOMAIN,
  DEV_EXPORT_RECIPIENT,
  DEV_POSTAL_ADDRESS,
  DEV_SES_CONFIGURATION_SET,
  DEV_UNSUBSCRIBE_KEY,
  DEV_WEBHOOK_SECRET,
  type Runtime,
} from "./runtime.ts";

export function lambdaEnv(runtime: Runtime): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    REDIAL_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET,
    REDIAL_API_TOKEN: DEV_API_TOKEN,
    REDIAL_PUBLIC_URL: runtime.url,
    REDIAL_POSTAL_ADDRESS: DEV_POSTAL_ADDRESS,
    REDIAL_TABLE_NAME: runtime.config.tableName,
    REDIAL_EMAIL_DOMAIN: DEV_EMAIL_DOMAIN,
    REDIAL_SES_CONFIGURATION_SET: DEV_SES_CONFIGURATION_SET,
    REDIAL_UNSUBSCRIBE_KEY: DEV_UNSUBSCRIBE_KEY,
    REDIAL_EXPORT_RECIPIENTS: DEV_EXPORT_RECIPIENT,
    AWS_ENDPOINT_URL_DYNAMODB: runtime.dynamoEndpoint,
    AWS_ENDPOINT_URL_SESV2: runtime.sesUrl,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    ...movedClock(process.env),
  };
}

const FAKETIME = /^(LD_PRELOAD|FAKETIME\w*|DONT_FAKE_MONOTONIC)$/;

function movedClock(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => FAKETIME.test(entry[0]) && !!entry[1]),
  );
}
