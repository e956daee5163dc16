import { readFileSync } from "node:fs";
import {
  checkOrganization,
  defaultCrmSettings,
  type Mapped,
  mapSalesforce,
  parseFlowCallout,
  parseOutboundMessage,
  parseXml,
  RedialError,
  SALESFORCE_ACK,
  type SalesforceNotification,
} from "@redial/core";
import { describe, expect, it } from "vitest";

const settings = defaultCrmSettings().salesforce;
const NOW = new Date("2026-11-16T17:00:00Z");
const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/crm/salesforce/${name}`, import.meta.url), "utf8");
const map = (...notifications: SalesforceNotification[]) =>
  mapSalesforce({ message: { organizationId: "00D5e000000KQ2eEAG", notifications }, settings, now: NOW });
const task = (fields: Record<string, unknown>, id = "04l5e00000Gx7QzAAJ"): SalesforceNotification => ({
  id,
  type: "Task",
  fields: {
    Id: "00T5e00000Qw1AbEAJ",
    WhoId: "00Q5e00000AbCdEEAZ",
    LastModifiedDate: "2026-11-16T15:04:05.000Z",
    ...fields,
  },
});
const eventOf = (item: Mapped | undefined) => {
  if (item?.kind !== "event") throw new Error(`Expected an event, got ${JSON.stringify(item)}`);
  return item.event;
};
const malformed = (xml: string) => {
  try {
    parseXml(xml);
  } catch (error) {
    expect(error).toBeInstanceOf(RedialError);
    return (error as RedialError).message;
  }
  throw new Error("parsed");
};

describe("the strict XML parser", () => {
  it("resolves namespaces, decodes the predefined entities, character references and CDATA", () => {
    const root = parseXml(
      `<?xml version="1.0"?><!-- hi --><a:r xmlns:a="urn:a" xmlns="urn:d"><b x='1 &amp; 2'>&lt;&#x263A;&#65;<![CDATA[<raw>]]></b><c/></a:r>`,
    );
    expect(root).toMatchObject({ name: "r", ns: "urn:a" });
    expect(root.children[0]).toMatchObject({
      name: "b",
      ns: "urn:d",
      attributes: { x: "1 & 2" },
      text: "<☺A<raw>",
    });
    expect(root.children[1]).toMatchObject({ name: "c", ns: "urn:d", children: [] });
  });

  it("refuses a DOCTYPE, entities, processing instructions and unbound prefixes", () => {
    expect(malformed(`<!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>`)).toMatch(/DOCTYPE/);
    expect(malformed(`<r>&x;</r>`)).toMatch(/entity &x; is not defined/);
    expect(malformed(`<r>a & b</r>`)).toMatch(/bare "&"/);
    expect(malformed(`<?php echo 1 ?><r/>`)).toMatch(/processing instructions/);
    expect(malformed(`<r><?pi x?></r>`)).toMatch(/processing instructions/);
    expect(malformed(`<p:r/>`)).toMatch(/prefix p: is not bound/);
  });

  it("refuses mismatched and unclosed tags, trailing content and absurd nesting", () => {
    expect(malformed(`<r><a></b></r>`)).toMatch(/expected <\/a>/);
    expect(malformed(`<r>`)).toMatch(/not closed/);
    expect(malformed(`<r/><s/>`)).toMatch(/content after the root/);
    expect(malformed(`<r a="1" a="2"/>`)).toMatch(/given twice/);
    expect(malformed(`${"<a>".repeat(40)}${"</a>".repeat(40)}`)).toMatch(/deeper than 32/);
    expect(malformed(`<r>&#0;</r>`)).toMatch(/not a character/);
  });
});

describe("Salesforce Outbound Messages", () => {
  it("reads the documented envelope: the org, and each notification's Id, sObject type and fields (nil as null)", () => {
    const message = parseOutboundMessage(fixture("outbound-message-tasks.xml"));
    expect(message.organizationId).toBe("00D5e000000KQ2eEAG");
    expect(message.notifications).toHaveLength(3);
    expect(message.notifications[0]).toMatchObject({
      id: "04l5e00000Gx7QzAAJ",
      type: "Task",
      fields: { CallDisposition: "Not Interested", WhoId: "00Q5e00000AbCdEEAZ" },
    });
    expect(message.notifications[1]?.fields.Description).toBeNull();
  });

  it("refuses an envelope of another namespace or without notifications", () => {
    const xml = fixture("outbound-message-tasks.xml");
    expect(() =>
      parseOutboundMessage(xml.replace("http://soap.sforce.com/2005/09/outbound", "urn:other")),
    ).toThrow(/expected one <notifications>/);
    expect(() =>
      parseOutboundMessage(
        xml.replaceAll("schemas.xmlsoap.org/soap/envelope/", "www.w3.org/2003/05/soap-envelope"),
      ),
    ).toThrow(/not a SOAP 1\.1 <Envelope>/);
  });

  it("acknowledges with the WSDL's notificationsResponse", () => {
    const ack = parseXml(SALESFORCE_ACK);
    expect(ack.children[0]?.children[0]).toMatchObject({
      name: "notificationsResponse",
      ns: "http://soap.sforce.com/2005/09/outbound",
    });
    expect(ack.children[0]?.children[0]?.children[0]).toMatchObject({ name: "Ack", text: "true" });
  });

  it("checks the organization on the 15-character id, so the 18-character form matches", () => {
    expect(() => checkOrganization("00D5e000000KQ2e", "00D5e000000KQ2eEAG")).not.toThrow();
    expect(() => checkOrganization("00D5e000000KQ2E", "00D5e000000KQ2eEAG")).toThrow(/not the configured/);
  });
});

describe("Salesforce records → canonical events (default mapping)", () => {
  it.each([
    ["No Answer", { type: "call.no_answer", voicemail: false }],
    ["left voicemail", { type: "call.no_answer", voicemail: true }],
    ["All Set", { type: "call.rejected", reason: "all_set" }],
    ["Hostile", { type: "call.rejected", reason: "hostile" }],
    ["Do Not Call", { type: "call.rejected", reason: "do_not_contact" }],
    ["Not a Fit", { type: "prospect.disqualified" }],
    ["Meeting Booked", { type: "prospect.meeting_booked" }],
  ])("maps a Task's CallDisposition %s", (disposition, expected) => {
    expect(eventOf(map(task({ CallDisposition: disposition }))[0])).toMatchObject(expected);
  });

  it("keys by salesforce:<notification Id>, names the prospect sf:<WhoId>, dates by LastModifiedDate", () => {
    expect(
      map(task({ CallDisposition: "Busy", Description: "Line busy", OwnerId: "0055e000004XyZaAAK" }))[0],
    ).toEqual({
      kind: "event",
      id: "salesforce:04l5e00000Gx7QzAAJ",
      event: {
        type: "call.no_answer",
        voicemail: false,
        occurredAt: "2026-11-16T15:04:05.000Z",
        note: "Line busy",
        prospect: { id: "sf:00Q5e00000AbCdEEAZ", owner: { id: "0055e000004XyZaAAK" } },
      },
      warnings: [],
    });
  });

  it("ignores a Task about no Lead or Contact, an unmapped disposition and other objects", () => {
    const items = map(
      task({ WhoId: null, CallDisposition: "No Answer" }),
      task({ CallDisposition: "Connected" }),
      {
        id: "04l5e00000Gx7QzAAK",
        type: "Opportunity",
        fields: { Id: "0065e00000AbCdEAAV", StageName: "Closed Lost" },
      },
    );
    expect(items.map((item) => item.kind)).toEqual(["ignored", "ignored", "ignored"]);
  });

  it("maps a Lead's or Contact's flags before its status, and a profile-only change to prospect.updated", () => {
    const lead = (fields: Record<string, unknown>): SalesforceNotification => ({
      id: "04l5e00000Gx7S9AAJ",
      type: "Lead",
      fields: {
        Id: "00Q5e00000AbCdGEAZ",
        Email: "jo.kim@fabrikam.example",
        HasOptedOutOfEmail: "false",
        DoNotCall: "false",
        ...fields,
      },
    });
    expect(eventOf(map(lead({ DoNotCall: "true", Status: "Closed - Not Converted" }))[0])).toMatchObject({
      type: "call.rejected",
      reason: "do_not_contact",
    });
    expect(eventOf(map(lead({ Status: "Closed - Not Converted" }))[0]).type).toBe("prospect.disqualified");
    expect(eventOf(map(lead({ Status: "Open - Not Contacted" }))[0])).toMatchObject({
      type: "prospect.updated",
      prospect: { email: "jo.kim@fabrikam.example" },
    });
    const contact = { ...lead({ DoNotCall: "true" }), type: "Contact" };
    expect(eventOf(map(contact)[0]).type).toBe("call.rejected");
  });
});

describe("Salesforce Flow callouts", () => {
  const one = JSON.parse(fixture("flow-callout-task.json"));

  it("reads one record with its Lead or Contact, keyed by the notificationId the Flow sends", () => {
    const message = parseFlowCallout(one);
    expect(message.notifications[0]).toMatchObject({
      id: one.notificationId,
      type: "Task",
      who: { FirstName: "Ana" },
    });
    expect(eventOf(map(...message.notifications)[0])).toMatchObject({
      type: "call.rejected",
      reason: "has_vendor",
      prospect: { id: "sf:0035e00000AbCdHAAV", email: "ana.ruiz@northwind.example", firstName: "Ana" },
    });
  });

  it("reads a collection, and keys a record sent without an id by its digest", () => {
    const { organizationId, notificationId: _id, ...rest } = one;
    const message = parseFlowCallout({ organizationId, notifications: [rest, rest] });
    expect(message.notifications).toHaveLength(2);
    expect(message.notifications[0]?.id).toMatch(/^flow:[\w-]{32}$/);
    expect(message.notifications[1]?.id).toBe(message.notifications[0]?.id);
  });

  it("refuses a body without an organization or an sObject type, naming the field", () => {
    expect(() => parseFlowCallout({ ...one, organizationId: undefined })).toThrow(RedialError);
    try {
      parseFlowCallout({ organizationId: one.organizationId, sObject: { Id: "x" } });
    } catch (error) {
      expect((error as RedialError).errors.map((e) => e.path)).toContain("sObject.type");
    }
  });
});
