/**
 * The weekly export's Lambda entry: an EventBridge Scheduler cron (the playbook's weekday and time in
 * the team's zone) invokes it with no payload. A failure throws, so Scheduler retries it; the week's
 * claim makes a retry after a successful send a no-op.
 */
import { baseDeps, mailerFor } from "../aws-deps.ts";
import { runWeeklyExport } from "./weekly.ts";

const deps = baseDeps("export");
const { config } = deps;

export const handler = async () => {
  const outcome = await runWeeklyExport({
    ...deps,
    mailer: mailerFor(config),
    recipients: config.exportRecipients,
    emailDomain: config.emailDomain,
    publicUrl: config.publicUrl,
  });
  deps.log.info("export.ran", outcome);
  return outcome;
};
