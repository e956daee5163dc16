import {
  ALL_PARTS,
  FUNCTION_CONFIG,
  type FunctionConfig,
  type FunctionName,
  loadConfig,
  loadFunctionConfig,
  PARTS,
  type Part,
} from "@redial/functions";
import { DEV_WEBHOOK_SECRET } from "@redial/local";
import { describe, expect, expectTypeOf, it } from "vitest";
import { SCHEMAS } from "../../packages/functions/src/config/schemas.ts";

const whsec = (text: string) => `whsec_${Buffer.from(text).toString("base64")}`;

/** Every variable of every part, valid. */
const env = {
  REDIAL_TABLE_NAME: "redial-prod",
  // The first is Standard Webhooks' own example (24 bytes); the second, a secret being rotated in.
  REDIAL_WEBHOOK_SECRET: `whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw ${whsec("the second secret, 32 bytes long")}`,
  REDIAL_API_TOKEN: "0123456789abcdef",
  REDIAL_PUBLIC_URL: "https://redial.acme.example",
  REDIAL_UNSUBSCRIBE_KEY: "unsubscribe-key-0123456789",
  REDIAL_EMAIL_DOMAIN: "acme.example",
  REDIAL_SES_CONFIGURATION_SET: "redial-prod",
  REDIAL_POSTAL_ADDRESS: "Acme Inc., 1 Main St, Springfield",
  REDIAL_EXPORT_RECIPIENTS: "sales-ops@acme.example, wendy@acme.example",
};

function failure(vars: Record<string, string | undefined>, parts: readonly Part[] = ALL_PARTS): string {
  try {
    loadConfig(vars, parts);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

/** The variables named in a failure, in order. */
const named = (message: string) => [...message.matchAll(/^ {2}(\w+)/gm)].map((m) => String(m[1]));

describe("loadConfig: every part (the local runtime)", () => {
  it("parses every variable, with the documented defaults", () => {
    expect(loadConfig(env, ALL_PARTS)).toEqual({
      tableName: "redial-prod",
      teamTimezone: undefined,
      webhookSecrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", whsec("the second secret, 32 bytes long")],
      apiToken: "0123456789abcdef",
      hubspot: undefined,
      salesforce: undefined,
      pipedrive: undefined,
      publicUrl: "https://redial.acme.example",
      unsubscribeKey: "unsubscribe-key-0123456789",
      emailDomain: "acme.example",
      sesConfigurationSet: "redial-prod",
      postalAddress: "Acme Inc., 1 Main St, Springfield",
      scheduler: undefined,
      crmWebhook: undefined,
      exportRecipients: ["sales-ops@acme.example", "wendy@acme.example"],
    });
    expect(loadConfig({ ...env, REDIAL_EXPORT_RECIPIENTS: "" }, ["export"]).exportRecipients).toEqual([]);
    // Unset, the playbook's team.timezone stands; set, it overrides it.
    expect(loadConfig({ ...env, REDIAL_TEAM_TIMEZONE: "Europe/Berlin" }, ["store"]).teamTimezone).toBe(
      "Europe/Berlin",
    );
  });

  it("names every missing or invalid variable at once, without echoing values", () => {
    const message = failure({
      ...env,
      REDIAL_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw hunter2",
      REDIAL_API_TOKEN: "short",
      REDIAL_TEAM_TIMEZONE: "Mars/Olympus_Mons",
      REDIAL_EXPORT_RECIPIENTS: "sales-ops@acme.example,not-an-address",
      REDIAL_TABLE_NAME: "",
    });

    for (const name of [
      "REDIAL_WEBHOOK_SECRET: Secret #2",
      "REDIAL_API_TOKEN",
      "REDIAL_TEAM_TIMEZONE",
      "REDIAL_EXPORT_RECIPIENTS[1]",
      "REDIAL_TABLE_NAME: is not set",
    ]) {
      expect(message).toContain(name);
    }
    expect(message).not.toMatch(/hunter2|short|Olympus/);
  });

  it("validates exactly the variables parts.ts names for each part", () => {
    for (const part of ALL_PARTS) expect(Object.keys(SCHEMAS[part].shape), part).toEqual(PARTS[part]);
  });
});

describe("loadConfig: each function's parts (config/functions.ts)", () => {
  /** The specification: what each function must be given, and what it gets. */
  const SPEC: Record<FunctionName, { required: string[]; fields: string[] }> = {
    api: {
      required: [
        "REDIAL_TABLE_NAME",
        "REDIAL_WEBHOOK_SECRET",
        "REDIAL_API_TOKEN",
        "REDIAL_PUBLIC_URL",
        "REDIAL_UNSUBSCRIBE_KEY",
      ],
      fields: [
        "tableName",
        "teamTimezone",
        "webhookSecrets",
        "apiToken",
        "hubspot",
        "salesforce",
        "pipedrive",
        "publicUrl",
        "unsubscribeKey",
        "scheduler",
      ],
    },
    timers: {
      required: [
        "REDIAL_TABLE_NAME",
        "REDIAL_PUBLIC_URL",
        "REDIAL_UNSUBSCRIBE_KEY",
        "REDIAL_EMAIL_DOMAIN",
        "REDIAL_SES_CONFIGURATION_SET",
        "REDIAL_POSTAL_ADDRESS",
      ],
      fields: [
        "tableName",
        "teamTimezone",
        "publicUrl",
        "unsubscribeKey",
        "emailDomain",
        "sesConfigurationSet",
        "postalAddress",
        "scheduler",
        "crmWebhook",
      ],
    },
    reconcile: { required: [], fields: [] },
    "ses-events": { required: ["REDIAL_TABLE_NAME"], fields: ["tableName", "teamTimezone", "scheduler"] },
    export: {
      required: [
        "REDIAL_TABLE_NAME",
        "REDIAL_PUBLIC_URL",
        "REDIAL_EMAIL_DOMAIN",
        "REDIAL_SES_CONFIGURATION_SET",
        "REDIAL_POSTAL_ADDRESS",
      ],
      fields: [
        "tableName",
        "teamTimezone",
        "publicUrl",
        "emailDomain",
        "sesConfigurationSet",
        "postalAddress",
        "exportRecipients",
      ],
    },
  };
  // The reconciliation runs the timer runner's runDueTimer: the same parts.
  SPEC.reconcile = SPEC.timers;

  /** Every variable a function does not load, set to something invalid. */
  const othersInvalid = (name: FunctionName) => {
    const own = new Set<string>(FUNCTION_CONFIG[name].flatMap((part) => PARTS[part]));
    return Object.fromEntries(
      ALL_PARTS.flatMap((part) => PARTS[part])
        .filter((variable) => !own.has(variable))
        .map((variable) => [variable, "hunter2"]),
    );
  };

  for (const name of Object.keys(SPEC) as FunctionName[]) {
    const { required, fields } = SPEC[name];

    it(`${name}: names each required variable of its parts when missing, and only those`, () => {
      const message = failure({}, FUNCTION_CONFIG[name]);
      expect(named(message).sort()).toEqual([...required].sort());
      expect(message).toMatch(/^Invalid configuration:\n/);
      for (const variable of required) expect(message).toContain(`${variable}: is not set`);
    });

    it(`${name}: reads only its parts' fields, ignoring other parts' variables even when invalid`, () => {
      const config = loadFunctionConfig(name, { ...env, ...othersInvalid(name) });
      expect(Object.keys(config).sort()).toEqual([...fields].sort());
      expect(JSON.stringify(config)).not.toContain("hunter2");
    });
  }

  it("types each function's config by its parts: a field it did not ask for does not exist", () => {
    expectTypeOf<FunctionConfig<"ses-events">>().toHaveProperty("tableName");
    expectTypeOf<FunctionConfig<"ses-events">>().not.toHaveProperty("apiToken");
    expectTypeOf<FunctionConfig<"ses-events">>().not.toHaveProperty("webhookSecrets");
    expectTypeOf<FunctionConfig<"timers">>().not.toHaveProperty("apiToken");
    expectTypeOf<FunctionConfig<"timers">>().toHaveProperty("unsubscribeKey").toEqualTypeOf<string>();
    expectTypeOf<FunctionConfig<"export">>().not.toHaveProperty("unsubscribeKey");
    expectTypeOf<FunctionConfig<"export">>().toHaveProperty("emailDomain").toEqualTypeOf<string>();
    expectTypeOf<FunctionConfig<"api">>().toHaveProperty("apiToken").toEqualTypeOf<string>();
    expectTypeOf<FunctionConfig<"api">>().not.toHaveProperty("emailDomain");
    expectTypeOf<FunctionConfig<"api">>().not.toHaveProperty("crmWebhook");
  });

  it("no function but the API loads the webhook secret or the API token", () => {
    const holders = (Object.keys(FUNCTION_CONFIG) as FunctionName[]).filter((name) =>
      (FUNCTION_CONFIG[name] as readonly string[]).includes("inbound"),
    );
    expect(holders).toEqual(["api"]);
  });
});

describe("loadConfig: variables set together", () => {
  it("the scheduler: all four, or timers are only logged; three of four names the fourth", () => {
    const scheduler = {
      REDIAL_SCHEDULE_GROUP: "TimerGroup-d4e5f6",
      REDIAL_TIMER_TARGET_ARN: "arn:aws:lambda:us-east-1:123456789012:function:redial-prod-TimerRunner",
      REDIAL_SCHEDULER_ROLE_ARN: "arn:aws:iam::123456789012:role/SchedulerRole-g7h8",
      REDIAL_TIMER_DLQ_ARN: "arn:aws:sqs:us-east-1:123456789012:redial-prod-TimerDlq",
    };
    expect(loadConfig(scheduler, ["scheduler"]).scheduler).toEqual({
      groupName: scheduler.REDIAL_SCHEDULE_GROUP,
      targetArn: scheduler.REDIAL_TIMER_TARGET_ARN,
      roleArn: scheduler.REDIAL_SCHEDULER_ROLE_ARN,
      deadLetterArn: scheduler.REDIAL_TIMER_DLQ_ARN,
    });
    expect(loadConfig({}, ["scheduler"]).scheduler).toBeUndefined();
    expect(failure({ ...scheduler, REDIAL_TIMER_DLQ_ARN: "" }, ["scheduler"])).toBe(
      "Invalid configuration:\n  REDIAL_TIMER_DLQ_ARN: is not set",
    );
  });

  it("the CRM sources: each CRM's pair both or neither, never echoed", () => {
    expect(
      loadConfig(
        {
          REDIAL_HUBSPOT_SECRET: "hubspot-client-secret-0123",
          REDIAL_PIPEDRIVE_USER: "pipedrive",
          REDIAL_PIPEDRIVE_PASSWORD: "pd-basic-password-0123456789",
        },
        ["crmSources"],
      ),
    ).toEqual({
      hubspot: { secrets: ["hubspot-client-secret-0123"] },
      salesforce: undefined,
      pipedrive: { user: "pipedrive", password: "pd-basic-password-0123456789" },
    });
    const message = failure({ REDIAL_SALESFORCE_SECRET: "sf-outbound-token-0123456789" }, ["crmSources"]);
    expect(message).toBe("Invalid configuration:\n  REDIAL_SALESFORCE_ORG_ID: is not set");
  });
});

describe("loadConfig: the CRM webhook (issue 4)", () => {
  const crm = {
    REDIAL_CRM_WEBHOOK_URL: "https://crm.acme.example/hooks/redial",
    REDIAL_CRM_WEBHOOK_SECRET: whsec("the CRM receiver's secret, 32 B"),
  };

  it("both set: where and with what R12's notices are signed; neither: off", () => {
    expect(loadConfig(crm, ["crmWebhook"]).crmWebhook).toEqual({
      url: "https://crm.acme.example/hooks/redial",
      secret: whsec("the CRM receiver's secret, 32 B"),
    });
    expect(loadConfig(env, ["crmWebhook"]).crmWebhook).toBeUndefined();
  });

  it("one without the other, a bad URL or a bad secret is named, the secret never echoed", () => {
    expect(failure({ REDIAL_CRM_WEBHOOK_URL: crm.REDIAL_CRM_WEBHOOK_URL })).toContain(
      "REDIAL_CRM_WEBHOOK_SECRET: is not set",
    );
    expect(failure({ REDIAL_CRM_WEBHOOK_SECRET: crm.REDIAL_CRM_WEBHOOK_SECRET })).toContain(
      "REDIAL_CRM_WEBHOOK_URL: is not set",
    );
    const bad = failure({
      REDIAL_CRM_WEBHOOK_URL: "ftp://crm.example/x",
      REDIAL_CRM_WEBHOOK_SECRET: "hunter2",
    });
    expect(bad).toContain("REDIAL_CRM_WEBHOOK_URL");
    expect(bad).toContain("REDIAL_CRM_WEBHOOK_SECRET");
    expect(bad).not.toContain("hunter2");
  });
});

/**
 * Standard Webhooks: a secret of 24 to 64 random bytes. A short key makes every signature forgeable
 * by search, and an http:// CRM URL sends each signed notice and its prospect's data in clear text.
 */
describe("loadConfig: webhook secrets of at least 24 bytes, an https CRM webhook", () => {
  const bytes = (n: number) => `whsec_${Buffer.alloc(n, 7).toString("base64")}`;
  const crm = (url: string, secret = bytes(32)) =>
    failure({ REDIAL_CRM_WEBHOOK_URL: url, REDIAL_CRM_WEBHOOK_SECRET: secret }, ["crmWebhook"]);

  it("refuses a one-byte REDIAL_WEBHOOK_SECRET (whsec_AA==), naming the variable, not the value", () => {
    const message = failure({ ...env, REDIAL_WEBHOOK_SECRET: "whsec_AA==" }, ["inbound"]);

    expect(named(message)).toEqual(["REDIAL_WEBHOOK_SECRET"]);
    expect(message).toMatch(/24 bytes/);
    expect(message).not.toContain("AA==");
  });

  it("refuses each REDIAL_WEBHOOK_SECRET entry under 24 bytes, by its number; 24 bytes pass", () => {
    const message = failure({ ...env, REDIAL_WEBHOOK_SECRET: `${bytes(32)} ${bytes(23)}` }, ["inbound"]);

    expect(message).toContain("REDIAL_WEBHOOK_SECRET: Secret #2");
    expect(message).not.toContain("Secret #1");
    expect(loadConfig({ ...env, REDIAL_WEBHOOK_SECRET: bytes(24) }, ["inbound"]).webhookSecrets).toEqual([
      bytes(24),
    ]);
  });

  it("refuses a REDIAL_CRM_WEBHOOK_SECRET under 24 bytes, not echoing it", () => {
    const message = crm("https://crm.acme.example/hooks/redial", "whsec_AA==");

    expect(named(message)).toEqual(["REDIAL_CRM_WEBHOOK_SECRET"]);
    expect(message).toMatch(/24 bytes/);
    expect(message).not.toContain("AA==");
    expect(crm("https://crm.acme.example/hooks/redial", bytes(24))).toBe("");
  });

  it("refuses an http:// REDIAL_CRM_WEBHOOK_URL, naming the variable, not the URL", () => {
    const message = crm("http://crm.acme.example/hooks/redial");

    expect(named(message)).toEqual(["REDIAL_CRM_WEBHOOK_URL"]);
    expect(message).toMatch(/https/);
    expect(message).not.toContain("crm.acme.example");
  });

  it.each(["http://localhost:4000/hooks", "http://127.0.0.1:4000/hooks", "http://[::1]:4000/hooks"])(
    "allows http to this machine: %s (the local runtime and tests)",
    (url) => {
      expect(crm(url)).toBe("");
    },
  );

  it.each(["http://localhost.acme.example/hooks", "http://127.0.0.2/hooks", "http://10.0.0.5/hooks"])(
    "refuses http anywhere else: %s",
    (url) => {
      expect(named(crm(url))).toEqual(["REDIAL_CRM_WEBHOOK_URL"]);
    },
  );

  it("accepts the local runtime's dev secret (31 bytes)", () => {
    expect(Buffer.from(DEV_WEBHOOK_SECRET.slice("whsec_".length), "base64")).toHaveLength(31);
    expect(
      loadConfig({ ...env, REDIAL_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET }, ["inbound"]).webhookSecrets,
    ).toEqual([DEV_WEBHOOK_SECRET]);
  });
});
