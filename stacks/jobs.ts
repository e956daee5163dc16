import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parsePlaybook } from "../packages/core/src/playbook/load";
import { publicUrl } from "./api";
import { functionDefaults, optionalEnv } from "./config";
import { sendingEnv, sesPermissions } from "./email";
import { functionConfig } from "./function-config";

/**
 * The weekly export (CONTRACT.md "Weekly export"): an EventBridge Scheduler cron on the playbook's
 * `weeklyExport` weekday and time, in the team's zone (REDIAL_TEAM_TIMEZONE, else `team.timezone`),
 * read from playbook/playbook.yaml at deploy time with core's own parser: change the playbook,
 * redeploy, and the schedule follows. Scheduler applies the zone's DST.
 */
const playbook = parsePlaybook(
  readFileSync(join(process.cwd(), "playbook/playbook.yaml"), "utf8"),
  "playbook.yaml",
);

const WEEKDAYS = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"] as const;

/** ISO weekday (1 = Monday) and "HH:MM" as an EventBridge Scheduler cron expression. */
export function weeklyCron(weekday: number, time: string): `cron(${string})` {
  const [hours, minutes] = time.split(":").map(Number);
  return `cron(${minutes} ${hours} ? * ${WEEKDAYS[weekday - 1]} *)`;
}

export const exportTimezone = optionalEnv("REDIAL_TEAM_TIMEZONE") ?? playbook.team.timezone;

export const exportFunction = new sst.aws.Function("WeeklyExport", {
  ...functionDefaults,
  handler: "packages/functions/src/export/lambda.handler",
  // Streams the week page by page; the CSV and its attachments are built in memory (≤ 25 MB).
  memory: "1024 MB",
  timeout: "5 minutes",
  // Mails the export, linking to the API; plans no timer (so no scheduler variables: its timers
  // port only logs) and signs no unsubscribe link. Its only link is the table.
  ...functionConfig("export", { REDIAL_PUBLIC_URL: publicUrl, ...sendingEnv }),
  permissions: sesPermissions,
});

export const weeklyExportCron = new sst.aws.CronV2("WeeklyExportSchedule", {
  function: exportFunction.arn,
  schedule: weeklyCron(playbook.weeklyExport.weekday, playbook.weeklyExport.time),
  timezone: exportTimezone,
  // The week's claim makes a retry after a successful send a no-op (export/lambda.ts).
  retries: 3,
});
