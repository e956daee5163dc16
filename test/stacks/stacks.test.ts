/**
 * The SST CLI cannot run here (it downloads Pulumi), so this loads sst.config.ts and stacks/* with a
 * small recording stand-in for the SST globals and checks the wiring: the table matches the one the
 * store creates locally, every handler exists and exports its function, every variable the API's
 * config needs is provided. It does not prove that AWS accepts the resources (issue 5 goes further).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { TABLE } from "@redial/aws";
import { loadConfig } from "@redial/functions";
import { beforeAll, describe, expect, it } from "vitest";

interface Recorded {
  type: string;
  name: string;
  args: Record<string, unknown>;
}
const root = fileURLToPath(new URL("../../", import.meta.url));
const recorded: Recorded[] = [];
const routes: { path: string; args: Record<string, unknown> }[] = [];

function installStandIn(stage: string) {
  const record = (type: string) =>
    class {
      readonly name: string;
      readonly value: string;
      readonly url = `https://${type}.example/`;
      constructor(name: string, args: Record<string, unknown> = {}) {
        recorded.push({ type, name, args });
        this.name = `${type}:${name}`;
        this.value = `value-of:${name}`;
      }
      route(path: string, args: Record<string, unknown>) {
        routes.push({ path, args });
      }
    };
  Object.assign(globalThis, {
    $config: (config: unknown) => config,
    $app: { name: "redial", stage },
    sst: {
      Secret: record("Secret"),
      aws: { Dynamo: record("Dynamo"), ApiGatewayV2: record("ApiGatewayV2") },
    },
  });
}

let outputs: Record<string, unknown>;
let app: Record<string, unknown>;

beforeAll(async () => {
  installStandIn("prod");
  process.env.REDIAL_POSTAL_ADDRESS = "Acme Inc., 1 Main St, Springfield";
  const configPath = `${root}sst.config.ts`;
  const config = (await import(/* @vite-ignore */ configPath)).default;
  app = config.app({ stage: "prod" });
  outputs = await config.run();
});

const find = (type: string) => recorded.filter((r) => r.type === type);

describe("sst.config.ts and stacks/", () => {
  it("protects and retains the prod stage", () => {
    expect(app).toMatchObject({ name: "redial", home: "aws", removal: "retain", protect: true });
    expect(outputs).toMatchObject({ api: "https://ApiGatewayV2.example/", table: "Dynamo:Table" });
  });

  it("declares the one table exactly as the store creates it, with TTL, PITR and deletion protection", () => {
    const [table] = find("Dynamo");
    if (!table) throw new Error("No sst.aws.Dynamo declared");
    expect(table.args).toMatchObject({ ...TABLE, deletionProtection: true });
    const tableArgs: Record<string, unknown> = {};
    (table.args.transform as { table: (a: Record<string, unknown>) => void }).table(tableArgs);
    expect(tableArgs.pointInTimeRecovery).toEqual({ enabled: true });
  });

  it("routes every request to a handler file that exists and exports the named function", async () => {
    expect(routes.map((r) => r.path)).toEqual(["$default"]);
    for (const route of routes) {
      const handler = String(route.args.handler);
      const [file, exportName] = [
        handler.slice(0, handler.lastIndexOf(".")),
        handler.slice(handler.lastIndexOf(".") + 1),
      ];
      expect(existsSync(`${root}${file}.ts`)).toBe(true);
      expect(route.args).toMatchObject({ runtime: "nodejs22.x", architecture: "arm64" });
      const env = { ...(route.args.environment as Record<string, string>), ...validSecrets };
      const saved = { ...process.env };
      Object.assign(process.env, env, { AWS_REGION: "us-east-1" });
      try {
        const module = await import(/* @vite-ignore */ `${root}${file}.ts`);
        expect(typeof module[exportName]).toBe("function");
      } finally {
        process.env = saved;
      }
    }
  });

  it("gives the API every variable its configuration requires, and links the table and secrets", () => {
    const [route] = routes;
    expect(route?.args.environment).toMatchObject({
      REDIAL_POSTAL_ADDRESS: "Acme Inc., 1 Main St, Springfield",
      REDIAL_WEBHOOK_SECRET: "value-of:WebhookSecret",
      REDIAL_API_TOKEN: "value-of:ApiToken",
      REDIAL_TABLE_NAME: "Dynamo:Table",
    });
    const env = { ...(route?.args.environment as Record<string, string>), ...validSecrets };
    expect(() => loadConfig(env)).not.toThrow();
    expect(route?.args.link).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "Dynamo:Table" })]),
    );
    expect(find("Secret").map((s) => s.name)).toEqual(["WebhookSecret", "ApiToken"]);
  });
});

/** Secret values are only known at deploy time; stand in valid ones to prove the shape. */
const validSecrets = {
  REDIAL_WEBHOOK_SECRET: `whsec_${Buffer.from("a-deploy-time-secret").toString("base64")}`,
  REDIAL_API_TOKEN: "a-deploy-time-token-0123456789",
};
