import { loadConfig } from "@redial/functions";
import { describe, expect, it } from "vitest";

const env = {
  REDIAL_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw whsec_c2Vjb25kIHNlY3JldA==",
  REDIAL_API_TOKEN: "0123456789abcdef",
  REDIAL_PUBLIC_URL: "https://redial.acme.example",
  REDIAL_EXPORT_RECIPIENTS: "sales-ops@acme.example, wendy@acme.example",
  REDIAL_POSTAL_ADDRESS: "Acme Inc., 1 Main St, Springfield",
  REDIAL_TABLE_NAME: "redial-prod",
};

describe("loadConfig", () => {
  it("parses every variable, with the documented defaults", () => {
    expect(loadConfig(env)).toEqual({
      webhookSecrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_c2Vjb25kIHNlY3JldA=="],
      apiToken: "0123456789abcdef",
      publicUrl: "https://redial.acme.example",
      teamTimezone: undefined,
      exportRecipients: ["sales-ops@acme.example", "wendy@acme.example"],
      postalAddress: "Acme Inc., 1 Main St, Springfield",
      tableName: "redial-prod",
    });
    expect(loadConfig({ ...env, REDIAL_EXPORT_RECIPIENTS: "" }).exportRecipients).toEqual([]);
    // Unset, the playbook's team.timezone stands; set, it overrides it.
    expect(loadConfig({ ...env, REDIAL_TEAM_TIMEZONE: "Europe/Berlin" }).teamTimezone).toBe("Europe/Berlin");
  });

  it("names every missing or invalid variable at once, without echoing values", () => {
    const bad = {
      ...env,
      REDIAL_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw hunter2",
      REDIAL_API_TOKEN: "short",
      REDIAL_TEAM_TIMEZONE: "Mars/Olympus_Mons",
      REDIAL_EXPORT_RECIPIENTS: "sales-ops@acme.example,not-an-address",
      REDIAL_TABLE_NAME: "",
    };
    const message = (() => {
      try {
        loadConfig(bad);
        return "";
      } catch (error) {
        return (error as Error).message;
      }
    })();

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
});

describe("loadConfig: the CRM webhook (issue 4)", () => {
  const crm = {
    REDIAL_CRM_WEBHOOK_URL: "https://crm.acme.example/hooks/redial",
    REDIAL_CRM_WEBHOOK_SECRET: "whsec_c2Vjb25kIHNlY3JldA==",
  };
  const failure = (vars: Record<string, string>) => {
    try {
      loadConfig({ ...env, ...vars });
      return "";
    } catch (error) {
      return (error as Error).message;
    }
  };

  it("both set: where and with what R12's notices are signed; neither: off", () => {
    expect(loadConfig({ ...env, ...crm }).crmWebhook).toEqual({
      url: "https://crm.acme.example/hooks/redial",
      secret: "whsec_c2Vjb25kIHNlY3JldA==",
    });
    expect(loadConfig(env).crmWebhook).toBeUndefined();
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
