/**
 * CRM exports as import files (docs/import.md "CRM exports"): with a source and no canonical header,
 * each row is one record of that CRM under its own field names, mapped by the playbook's `crm:`
 * section exactly as the CRM's webhooks are (same prospect ids, profile, outcomes). Rows without an
 * id, a date or a mapped value are invalid by line; a header without an id or date column refuses
 * the file. Fixtures: test/fixtures/crm/<crm>/export.csv (their README says which page they follow).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CrmSettings,
  defaultCrmSettings,
  type ImportOptions,
  type Mapped,
  mapHubSpot,
  mapPipedrive,
  mapSalesforce,
  parseOutboundMessage,
  planImport,
  RedialError,
  salesforceId18,
} from "@redial/core";
import { describe, expect, it } from "vitest";
import { readRow } from "../../packages/core/src/import/plan.ts";

const NOW = new Date("2026-11-23T12:00:00Z");
const FIXTURES = join(import.meta.dirname, "..", "fixtures", "crm");
const fixture = (crm: string) => readFileSync(join(FIXTURES, crm, "export.csv"));
const bytes = (text: string) => new TextEncoder().encode(text);
const options = (source: ImportOptions["source"], crm?: CrmSettings): ImportOptions => ({
  format: "csv",
  source,
  crm,
  now: NOW,
});

/** The plan, and each valid row's event as the apply phase reads it again, in the order applied. */
function imported(file: Uint8Array, opts: ImportOptions) {
  const plan = planImport(file, opts);
  const events = plan.valid.map((span) => {
    const row = readRow(file, span, plan.header, opts);
    if (!row.ok) throw new Error(`line ${span.line}: ${row.reason}`);
    return { line: span.line, event: row.event };
  });
  return { plan, events, byLine: new Map(events.map(({ line, event }) => [line, event])) };
}

const webhookFixture = (crm: string, name: string) => readFileSync(join(FIXTURES, crm, name), "utf8");
const prospectOf = (item: Mapped | undefined) =>
  item?.kind === "event" ? item.event.prospect.id : item?.kind;

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RedialError);
    expect((error as RedialError).kind).toBe("invalid");
    return (error as Error).message;
  }
  throw new Error("Expected the file to be refused");
};

describe("HubSpot: a contacts export (property internal names)", () => {
  const { plan, events, byLine } = imported(fixture("hubspot"), options("hubspot"));

  it("maps each valid row through crm.hubspot: hubspot:<hs_object_id>, profile from fields, outcome from outcomes, lastmodifieddate", () => {
    expect(plan.rows).toBe(7);
    expect(events.map((e) => e.line)).toEqual([2, 3, 4, 5]); // oldest first
    expect(byLine.get(2)).toEqual({
      type: "call.rejected",
      reason: "bad_timing",
      occurredAt: "2026-03-10T15:02:00.000Z",
      prospect: {
        id: "hubspot:51234",
        email: "dana@initech.example",
        firstName: "Dana",
        lastName: "Reyes",
        company: "Initech, Inc.",
        title: "VP Operations",
        phone: "+1 312 555 0101",
        timezone: "America/Chicago",
        owner: { id: "12345" },
      },
    });
    expect(byLine.get(3)).toMatchObject({
      type: "prospect.disqualified",
      occurredAt: "2026-04-02T09:30:00.000Z",
      prospect: { id: "hubspot:51235", firstName: "Lee", company: "Tiny Shop" },
    });
    expect(byLine.get(4)).toMatchObject({
      type: "prospect.converted",
      occurredAt: "2026-06-18T14:00:00.000Z",
      prospect: { id: "hubspot:51236" },
    });
    // hs_email_optout comes first in crm.hubspot.outcomes: it wins over the lead status.
    expect(byLine.get(5)).toMatchObject({ type: "prospect.opted_out", prospect: { id: "hubspot:51237" } });
  });

  it("reports unmapped values, a missing id and a missing date by line, with the reason", () => {
    expect(plan.invalid).toEqual([
      {
        line: 6,
        reason:
          'No mapped outcome (hs_email_optout "false", hs_lead_status "NEW", lifecyclestage "lead"): set crm.hubspot.outcomes.<field>.<value> in the playbook',
      },
      { line: 7, reason: "No record id: hs_object_id is empty" },
      { line: 8, reason: "No date: lastmodifieddate is empty" },
    ]);
  });

  it("uses the playbook's mapping, not the built-in one: owners and the team's own outcomes", () => {
    const crm = CrmSettings.parse({
      hubspot: {
        owners: { "12345": { id: "rep-7", email: "wendy@acme.example" } },
        outcomes: { hs_lead_status: { NEW: { type: "call.rejected", reason: "not_interested" } } },
      },
    });
    const custom = imported(fixture("hubspot"), options("hubspot", crm));
    expect(custom.events.map((e) => e.line)).toEqual([6]);
    expect(custom.byLine.get(6)).toMatchObject({
      type: "call.rejected",
      reason: "not_interested",
      prospect: { id: "hubspot:51238" },
    });
    const owned = imported(
      bytes(
        "hs_object_id,hubspot_owner_id,hs_lead_status,lastmodifieddate\n9,12345,NEW,2026-05-01T10:00:00Z",
      ),
      options("hubspot", crm),
    );
    expect(owned.byLine.get(2)?.prospect.owner).toEqual({ id: "rep-7", email: "wendy@acme.example" });
  });

  it("a calls export: contactId is the prospect (not the call's hs_object_id), hs_timestamp the date, in ms too", () => {
    const file = bytes(
      [
        "hs_object_id,contactId,hs_call_disposition,hs_call_body,hs_timestamp,hs_lastmodifieddate",
        "41122334455,77001,b2cf5968-551e-4856-9783-52b3da59a7d0,Left a voicemail.,1794846000000,2026-11-20T10:00:00Z",
        "41122334456,77002,73a0d17f-1163-4015-bdd5-ec830791da20,,,2026-10-01T08:00:00Z",
        "41122334457,,73a0d17f-1163-4015-bdd5-ec830791da20,,2026-10-02T08:00:00Z,",
        "41122334458,77004,73a0d17f-1163-4015-bdd5-ec830791da20,,next tuesday,",
      ].join("\n"),
    );
    const { plan: p, byLine: events } = imported(file, options("hubspot"));
    expect(events.get(2)).toEqual({
      type: "call.no_answer",
      voicemail: true,
      note: "Left a voicemail.",
      occurredAt: new Date(1794846000000).toISOString(),
      prospect: { id: "hubspot:77001" },
    });
    expect(events.get(3)).toMatchObject({
      occurredAt: "2026-10-01T08:00:00.000Z", // hs_timestamp empty: the last change
      prospect: { id: "hubspot:77002" },
    });
    expect(p.invalid).toEqual([
      { line: 4, reason: "No record id: contactId is empty" },
      { line: 5, reason: 'No date: hs_timestamp "next tuesday" is not a date-time' },
    ]);
  });
});

describe("Salesforce: a Task export as Data Loader writes it (API names in capitals)", () => {
  const { plan, events, byLine } = imported(fixture("salesforce"), options("salesforce"));

  it("maps each Task through crm.salesforce.outcomes.Task: sf:<WhoId> (18 characters), LastModifiedDate", () => {
    expect(plan.header).toEqual([
      "Id",
      "WhoId",
      "SUBJECT",
      "CallDisposition",
      "Description",
      "OwnerId",
      "CreatedDate",
      "LastModifiedDate",
    ]);
    expect(events.map((e) => e.line)).toEqual([2, 3, 4]);
    expect(byLine.get(2)).toEqual({
      type: "call.rejected",
      reason: "not_interested",
      note: 'Said they "just signed" with a competitor.',
      occurredAt: "2026-03-10T15:02:00.000Z",
      prospect: { id: "sf:00Q5e00000AbCdEEAZ", owner: { id: "0055e000004XyZaAAK" } },
    });
    expect(byLine.get(3)).toMatchObject({
      type: "call.no_answer",
      voicemail: true,
      prospect: { id: "sf:0035e00000AbCdHAAV" },
    });
    // A 15-character id becomes the 18-character one the webhooks send.
    expect(byLine.get(4)).toMatchObject({
      type: "prospect.meeting_booked",
      note: "Demo on Thursday",
      prospect: { id: "sf:00Q5e00000AbCdFEAV" },
    });
  });

  it("reports unmapped values, a missing WhoId and missing dates by line", () => {
    expect(plan.invalid).toEqual([
      {
        line: 5,
        reason:
          'No mapped outcome (CallDisposition "Connected"): set crm.salesforce.outcomes.Task.<field>.<value> in the playbook',
      },
      { line: 6, reason: "No record id: WhoId is empty" },
      { line: 7, reason: "No date: LastModifiedDate, CreatedDate are empty" },
    ]);
  });

  it("a Lead or Contact export: sf:<Id>, the outcomes of its type told by the Id's key prefix", () => {
    const file = bytes(
      [
        "Id,Email,FirstName,Company,Status,HasOptedOutOfEmail,LastModifiedDate",
        "00Q5e00000AbCdEEAZ,dana@initech.example,Dana,Initech,Closed - Converted,false,2026-09-01T10:00:00.000+0000",
        "0035e00000AbCdHAAV,sam@contoso.example,Sam,,,true,2026-09-02T10:00:00.000Z",
        "0035e00000AbCdKAAV,kim@hooli.example,Kim,,Closed - Converted,false,2026-09-03T10:00:00.000Z",
        "0015e00000AbCdLAAV,,,,,true,2026-09-04T10:00:00.000Z",
      ].join("\n"),
    );
    const { plan: p, byLine: events } = imported(file, options("salesforce"));
    expect(events.get(2)).toMatchObject({
      type: "prospect.converted",
      prospect: { id: "sf:00Q5e00000AbCdEEAZ", email: "dana@initech.example", company: "Initech" },
    });
    expect(events.get(3)).toMatchObject({
      type: "prospect.opted_out",
      prospect: { id: "sf:0035e00000AbCdHAAV" },
    });
    expect(p.invalid).toEqual([
      {
        line: 4, // a Contact has no Status mapping
        reason:
          'No mapped outcome (HasOptedOutOfEmail "false"): set crm.salesforce.outcomes.Contact.<field>.<value> in the playbook',
      },
      {
        line: 5,
        reason:
          "Id 0015e00000AbCdLAAV is neither a Lead (00Q…) nor a Contact (003…); export calls as Tasks, with their WhoId",
      },
    ]);
  });

  it("18-character ids: Salesforce's case-safe suffix", () => {
    expect(salesforceId18("001D000000IqhSL")).toBe("001D000000IqhSLIAZ");
    expect(salesforceId18("00Q5e00000AbCdF")).toBe("00Q5e00000AbCdFEAV");
    expect(salesforceId18("0035e00000AbCdHAAV")).toBe("0035e00000AbCdHAAV");
  });
});

describe("Pipedrive: an activities export (API field keys)", () => {
  const { plan, events, byLine } = imported(fixture("pipedrive"), options("pipedrive"));

  it("maps each done call through crm.pipedrive.outcomes.activity: pd:<person_id>, update_time, the note as text", () => {
    expect(events.map((e) => e.line)).toEqual([2, 3]);
    expect(byLine.get(2)).toEqual({
      type: "call.no_answer",
      voicemail: true,
      note: "Left a voicemail: try again Wednesday.",
      occurredAt: "2026-03-10T15:02:00.000Z",
      prospect: { id: "pd:88123", owner: { id: "12415231" } },
    });
    expect(byLine.get(3)).toMatchObject({
      type: "call.no_answer",
      voicemail: false,
      occurredAt: "2026-05-04T13:10:00.000Z",
      prospect: { id: "pd:88125" },
    });
  });

  it("reports unmapped types, an activity not done, a missing person and missing dates by line", () => {
    expect(plan.invalid).toEqual([
      {
        line: 4,
        reason:
          'No mapped outcome (type "call"): set crm.pipedrive.outcomes.activity.<field>.<value> in the playbook',
      },
      { line: 5, reason: 'type "no_answer" is mapped, but the activity is not done (done "0")' },
      { line: 6, reason: "No record id: person_id is empty" },
      { line: 7, reason: "No date: update_time, add_time are empty" },
    ]);
  });

  it("a deals export (person_id, no done) maps through outcomes.deal; a persons export through outcomes.person", () => {
    const deals = bytes(
      [
        "id,title,status,lost_reason,person_id,user_id,add_time,update_time",
        "57,Umbrella deal,lost,No budget,88125,12415231,2026-09-01 10:00:00,2026-10-16 16:20:00",
        "58,Initech deal,won,,88126,12415231,2026-09-01 10:00:00,",
      ].join("\n"),
    );
    const { byLine: events } = imported(deals, options("pipedrive"));
    expect(events.get(2)).toMatchObject({
      type: "call.rejected",
      reason: "no_budget",
      occurredAt: "2026-10-16T16:20:00.000Z",
      prospect: { id: "pd:88125" },
    });
    expect(events.get(3)).toMatchObject({
      type: "prospect.converted",
      occurredAt: "2026-09-01T10:00:00.000Z", // no update_time: add_time
      prospect: { id: "pd:88126" },
    });
    const persons = bytes(
      "id,name,first_name,email,update_time\n88123,Priya Shah,Priya,priya@globex.example,2026-09-01 10:00:00",
    );
    expect(planImport(persons, options("pipedrive")).invalid).toEqual([
      {
        line: 2,
        reason:
          "No mapped outcome (crm.pipedrive.outcomes.person maps nothing): set crm.pipedrive.outcomes.person.<field>.<value> in the playbook",
      },
    ]);
    // A team's person outcome, and a custom field named custom_fields.<key> (v2) found in its column.
    const crm = CrmSettings.parse({
      pipedrive: {
        fields: { firstName: "first_name", tier: "custom_fields.9f3a1c" },
        outcomes: { person: { label: { Cold: { type: "call.rejected", reason: "not_interested" } } } },
      },
    });
    const labelled = bytes("id,first_name,label,9f3a1c,update_time\n88123,Priya,Cold,b,2026-09-01 10:00:00");
    expect(imported(labelled, options("pipedrive", crm)).byLine.get(2)).toMatchObject({
      type: "call.rejected",
      prospect: { id: "pd:88123", firstName: "Priya", tier: "B" },
    });
  });
});

describe("the prospects are the webhooks' prospects", () => {
  it("the same record gets the same prospect id from its export row as from its webhook", () => {
    const crm = defaultCrmSettings();
    const hubspotBody = JSON.parse(webhookFixture("hubspot", "app-webhook-batch.json"));
    const hubspot = mapHubSpot({ body: hubspotBody, rawBody: "", settings: crm.hubspot, now: NOW });
    expect(prospectOf(hubspot[0])).toBe("hubspot:51234");
    expect(imported(fixture("hubspot"), options("hubspot")).byLine.get(2)?.prospect.id).toBe("hubspot:51234");

    const message = parseOutboundMessage(webhookFixture("salesforce", "outbound-message-tasks.xml"));
    const salesforce = mapSalesforce({ message, settings: crm.salesforce, now: NOW });
    expect(prospectOf(salesforce[0])).toBe("sf:00Q5e00000AbCdEEAZ");
    expect(imported(fixture("salesforce"), options("salesforce")).byLine.get(2)?.prospect.id).toBe(
      "sf:00Q5e00000AbCdEEAZ",
    );

    const pipedriveBody = JSON.parse(webhookFixture("pipedrive", "v2-activity-marked-done.json"));
    expect(prospectOf(mapPipedrive({ body: pipedriveBody, settings: crm.pipedrive }))).toBe("pd:88123");
    expect(imported(fixture("pipedrive"), options("pipedrive")).byLine.get(2)?.prospect.id).toBe("pd:88123");
  });
});

describe("the file as a whole", () => {
  it.each([
    [
      "hubspot",
      "email,firstname,hs_lead_status,lastmodifieddate",
      /an id column \(contactId or hs_object_id\)/,
    ],
    [
      "hubspot",
      "hs_object_id,hs_lead_status,createdate",
      /a date column \(hs_timestamp, hs_lastmodifieddate or lastmodifieddate\)/,
    ],
    [
      "salesforce",
      "Email,Status",
      /A Salesforce export needs an id column \(WhoId or Id\) and a date column \(LastModifiedDate, CreatedDate or SystemModstamp\)/,
    ],
    ["pipedrive", "name,type,update_time", /A Pipedrive export needs an id column \(person_id or id\)/],
  ] as const)(
    "%s: a header without the id or date column refuses the file, naming the columns (%s)",
    (source, header, message) => {
      const text = refusal(() => planImport(bytes(`${header}\nx,y,z,w`), options(source)));
      expect(text).toMatch(/^Line 1: /);
      expect(text).toMatch(message);
    },
  );

  it("a column given twice, or twice but for case, refuses the file", () => {
    expect(
      refusal(() => planImport(bytes("Id,Email,EMAIL,LastModifiedDate\n1,2,3,4"), options("salesforce"))),
    ).toMatch(/Column "EMAIL" appears twice \(as Email: names match without regard to case\)/);
    expect(refusal(() => planImport(bytes("id,id,update_time\n1,2,3"), options("pipedrive")))).toMatch(
      /Column "id" appears twice/,
    );
  });

  it("canonical columns stay canonical with a source; without a source a CRM header is refused as before", () => {
    const canonical = planImport(
      bytes("type,occurredAt,reason,prospect.id\ncall.rejected,2026-03-10T15:00:00Z,all_set,51234"),
      options("hubspot"),
    );
    expect(canonical.valid).toHaveLength(1);
    expect(refusal(() => planImport(fixture("hubspot"), options(undefined)))).toMatch(
      /Unknown column "hs_object_id"/,
    );
  });

  it("a date after business time is invalid, as POST /v1/events refuses it", () => {
    const file = bytes("hs_object_id,hs_lead_status,lastmodifieddate\n1,UNQUALIFIED,2026-12-25T10:00:00Z");
    expect(planImport(file, options("hubspot")).invalid[0]?.reason).toMatch(/occurredAt is in the future/);
  });

  it("the digest names the mode and the mapping: another mapping is another plan (and checkpoint)", () => {
    const file = fixture("hubspot");
    const digest = (crm?: CrmSettings) => planImport(file, options("hubspot", crm)).digest;
    expect(digest()).toBe(digest(defaultCrmSettings()));
    expect(digest(CrmSettings.parse({ hubspot: { owners: { "1": { id: "rep-1" } } } }))).not.toBe(digest());
    const canonical = bytes("type,occurredAt,prospect.id\ncall.no_answer,2026-03-10T15:00:00Z,1");
    const canonicalDigest = (crm?: CrmSettings) => planImport(canonical, options("hubspot", crm)).digest;
    expect(canonicalDigest(CrmSettings.parse({ hubspot: { owners: { "1": { id: "rep-1" } } } }))).toBe(
      canonicalDigest(),
    );
  });

  it("re-reading a row gives the same event and key: a re-run changes nothing", () => {
    const file = fixture("salesforce");
    const first = planImport(file, options("salesforce"));
    const keys = (p: typeof first) =>
      p.valid.map((span) => {
        const row = readRow(file, span, p.header, options("salesforce"));
        return row.ok ? row.key : row.reason;
      });
    expect(keys(planImport(file, options("salesforce")))).toEqual(keys(first));
    expect(new Set(keys(first)).size).toBe(3);
  });
});
