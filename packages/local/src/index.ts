/**
 * @redial/local: the embedded runtime behind `npm start` and the pieces it is made of, for tests and
 * the benchmark. Nothing here is deployed to AWS.
 */
export { LOCAL_HOST, localHost } from "./address.ts";
export { type CheckTableOptions, checkTable } from "./check.ts";
export { DevClock, systemClock } from "./clock.ts";
export { type ClockMove, type ClockMoved, type ClockView, devRoutes } from "./dev-routes.ts";
export { type DynamoDbLocal, type DynamoDbLocalOptions, startDynamoDbLocal } from "./dynamodb.ts";
export { checkJava, type JavaCheck, requireJava } from "./java.ts";
export { lambdaEnv } from "./lambda-env.ts";
export {
  createLocalLog,
  DEFAULT_PORTS,
  DEFAULT_TABLE,
  DEV_API_TOKEN,
  DEV_EXPORT_RECIPIENT,
  DEV_POSTAL_ADDRESS,
  DEV_WEBHOOK_SECRET,
  freePort,
  type LocalConfig,
  type LogStyle,
  type Runtime,
  type RuntimeOptions,
  startRuntime,
} from "./runtime.ts";
export { type SesLocal, startSesLocal } from "./ses.ts";
export {
  type FiredTimer,
  type JobRun,
  type RecurringJob,
  TimerLoop,
  type TimerLoopOptions,
} from "./timer-loop.ts";
