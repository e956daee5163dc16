/**
 * POST /v1/imports?source=hubspot with HubSpot's own contacts export (docs/import.md "CRM exports"),
 * over DynamoDB Local: each contact lands as `hubspot:<hs_object_id>`, the prospect the HubSpot
 * webhooks later find, in the state the playbook's crm.hubspot mapping gives it; rows the mapping
 * cannot use are reported by line; a re-sent export changes nothing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { importHarness, type Report } from "./harness.ts";

const EXPORT = readFileSync(
  join(import.meta.dirname, "..", "fixtures", "crm", "hubspot", "export.csv"),
  "utf8",
);

describe("POST /v1/imports?source=hubspot, a HubSpot contacts export", async () => {
  const h = await importHarness();
  afterAll(() => h.client.destroy());

  it("applies each mapped contact to hubspot:<id> in its mapped state and reports the rest by line", async () => {
    const response = await h.post(EXPORT, { query: "source=hubspot" });
    expect(response.status).toBe(200);
    const report = (await response.json()) as Report;
    expect(report).toMatchObject({ rows: 7, valid: 4, applied: 4, recorded: 0, duplicates: 0, failed: [] });
    expect(report.invalid.map((r) => r.line)).toEqual([6, 7, 8]);
    expect(report.invalid[0]?.reason).toMatch(
      /^No mapped outcome \(.*hs_lead_status "NEW".*\): set crm\.hubspot\.outcomes/,
    );

    const prospect = async (id: string) => (await h.store.getProspect(id))?.prospect;
    const dana = await prospect("hubspot:51234"); // BAD_TIMING: a first soft no (R2)
    expect(dana).toMatchObject({
      status: "retrying",
      profile: {
        email: "dana@initech.example",
        firstName: "Dana",
        company: "Initech, Inc.",
        timezone: "America/Chicago",
        owner: { id: "12345" },
      },
    });
    expect(report.byRule).toMatchObject({ R2: 1 });
    expect((await prospect("hubspot:51235"))?.status).toBe("disqualified"); // UNQUALIFIED
    expect((await prospect("hubspot:51236"))?.status).toBe("converted"); // lifecyclestage customer
    expect((await prospect("hubspot:51237"))?.status).toBe("opted_out"); // hs_email_optout true
    expect(await h.store.getProspect("51234")).toBeNull();
    expect(await h.store.getProspect("hubspot:51238")).toBeNull(); // NEW is not mapped
  });

  it("a re-sent export changes nothing", async () => {
    const writes = h.writes();
    const report = (await (await h.post(EXPORT, { query: "source=hubspot" })).json()) as Report;
    expect(report).toMatchObject({ applied: 0, recorded: 0, duplicates: 4 });
    expect(h.writes()).toBe(writes);
  });
});
