/// <reference path="./.sst/platform/config.d.ts" />

/**
 * Redial on AWS. Thin on purpose: each resource family lives in stacks/ (ARCHITECTURE.md), and this
 * file only imports them in order and returns the outputs. `npx sst deploy --stage prod`.
 * The SST CLI cannot run on our dev machines (it downloads Pulumi first); test/stacks loads these
 * modules with a recording stand-in for the SST globals and checks the wiring instead.
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
    const { secrets } = await import("./stacks/secrets");
    const { table } = await import("./stacks/storage");
    const { api } = await import("./stacks/api");
    return { api: api.url, table: table.name, secrets: Object.keys(secrets).join(",") };
  },
});
