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
import { describe, expect, expectTypeOf, it } from "vitest";
import { SCHEMAS } from "../../packages/functions/src/config/schemas.ts";

const whsec = (text: string) => `whsec_${Buffer.from(text).toString("base64")}`;

/** Every variable of every part, valid. */
const env = {
  REDIAL_TABLE_NAME: "redial-prod",
  REDIAL_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw whsec_c2Vjb25kIHNlY3JldA==",
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
      webhookSecrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_c2Vjb25kIHNlY3JldA=="],
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
    REDIAL_CRM_WEBHOOK_SECRET: whsec("second secret"),
  };

  it("both set: where and with what R12's notices are signed; neither: off", () => {
    expect(loadConfig(crm, ["crmWebhook"]).crmWebhook).toEqual({
      url: "https://crm.acme.example/hooks/redial",
      secret: whsec("second secret"),
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
