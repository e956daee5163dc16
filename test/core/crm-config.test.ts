import { CrmSettings, defaultCrmSettings, parsePlaybook } from "@redial/core";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { playbook, playbookText } from "../support/core.ts";

describe("the crm: section of the playbook", () => {
  it("ships in playbook.yaml exactly as the built-in defaults, so the file documents what applies", () => {
    const written = CrmSettings.parse((parse(playbookText) as { crm: unknown }).crm);
    expect(written).toEqual(defaultCrmSettings());
    expect(playbook.crm).toEqual(defaultCrmSettings());
  });

  it("is optional: a playbook without it gets the built-in mapping", () => {
    const without = playbookText.slice(0, playbookText.indexOf("\ncrm:"));
    expect(parsePlaybook(without).crm).toEqual(defaultCrmSettings());
  });

  it("lets a team replace one map and keep the other defaults", () => {
    const custom = parsePlaybook(
      `${playbookText.slice(0, playbookText.indexOf("\ncrm:"))}
crm:
  hubspot:
    outcomes:
      hs_call_disposition:
        abc: { type: call.rejected, reason: all_set }
`,
    );
    expect(custom.crm.hubspot.outcomes).toEqual({
      hs_call_disposition: { abc: { type: "call.rejected", reason: "all_set" } },
    });
    expect(custom.crm.hubspot.fields).toEqual(defaultCrmSettings().hubspot.fields);
    expect(custom.crm.salesforce).toEqual(defaultCrmSettings().salesforce);
  });

  it("names a rejection without a reason, and an unknown event type, at load", () => {
    const broken = (outcome: string) => () =>
      parsePlaybook(
        `${playbookText.slice(0, playbookText.indexOf("\ncrm:"))}
crm:
  hubspot:
    outcomes:
      hs_lead_status:
        OPEN: ${outcome}
`,
      );
    expect(broken("{ type: call.rejected }")).toThrow(/crm\.hubspot\.outcomes\.hs_lead_status\.OPEN\.reason/);
    expect(broken("{ type: call.maybe }")).toThrow(/crm\.hubspot\.outcomes\.hs_lead_status\.OPEN\.type/);
    expect(broken("{ type: prospect.replied, voicemail: true }")).toThrow(/OPEN\.voicemail/);
  });
});
