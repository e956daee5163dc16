/// <reference path="./.sst/platform/config.d.ts" />

/**
 * Redial on AWS. Thin on purpose: each resource family lives in stacks/ (ARCHITECTURE.md), and this
 * file only imports them and returns the outputs. `npx sst deploy --stage prod`.
 * Checked offline with SST's own code (docs/deploy.md, "Offline checks"): `npm run typecheck:stacks`
 * against SST's types, and test/stacks runs this program with SST's real components under Pulumi's
 * mocks (scripts/stacks/run-mocked.ts).
 */
export default $config({
  app(input) {
    return {
      name: "redial",
      home: "aws",
      // Keep prospect data when a production stage is removed by mistake.
      removal: input?.stage === "prod" ? "retain" : "remove",
      protect: input?.stage === "prod",
    };
  },
  async run() {
    const { table } = await import("./stacks/storage");
    const { scheduleGroup } = await import("./stacks/scheduler");
    const { api } = await import("./stacks/api");
    const { email, configSet } = await import("./stacks/email");
    const { timerRunner } = await import("./stacks/timers");
    const { exportTimezone } = await import("./stacks/jobs");
    const { alarmTopic } = await import("./stacks/alarms");
    return {
      api: api.url,
      table: table.name,
      sender: email.sender,
      configurationSet: configSet.configurationSetName,
      scheduleGroup: scheduleGroup.name,
      timerRunner: timerRunner.name,
      exportTimezone,
      alarms: alarmTopic.arn,
    };
  },
});
