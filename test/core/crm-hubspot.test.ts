import { createHmac } from "node:crypto";
import {
  defaultCrmSettings,
  type HubSpotSettings,
  type Mapped,
  mapHubSpot,
  RedialError,
  signatureUri,
  signHubSpot,
  verifyHubSpot,
} from "@redial/core";
import { describe, expect, it } from "vitest";

const settings = defaultCrmSettings().hubspot;
const NOW = new Date("2026-11-16T17:00:00Z");
const URI = "https://redial.acme.example/v1/sources/hubspot/events";
const SECRET = "5e1c2a7b-0c3d-4e5f-8a9b-0c1d2e3f4a5b";

const map = (body: unknown, custom: HubSpotSettings = settings) =>
  mapHubSpot({ body, rawBody: JSON.stringify(body), settings: custom, now: NOW });
const propertyChange = (
  propertyName: string,
  propertyValue: unknown,
  extra: Record<string, unknown> = {},
) => ({
  eventId: 100,
  subscriptionId: 1,
  portalId: 62515,
  appId: 54321,
  occurredAt: Date.parse("2026-11-16T15:04:05Z"),
  subscriptionType: "contact.propertyChange",
  attemptNumber: 0,
  objectId: 51234,
  propertyName,
  propertyValue,
  ...extra,
});
const eventOf = (item: Mapped | undefined) => {
  if (item?.kind !== "event") throw new Error(`Expected an event, got ${JSON.stringify(item)}`);
  return item.event;
};

describe("X-HubSpot-Signature-v3", () => {
  const body = JSON.stringify([propertyChange("hs_lead_status", "BAD_TIMING")]);
  const timestamp = Date.parse("2026-11-16T16:59:00Z");
  const delivery = (overrides: Partial<Parameters<typeof verifyHubSpot>[0]> = {}) => ({
    method: "POST",
    uris: [URI],
    rawBody: body,
    signature: signHubSpot({ secret: SECRET, method: "POST", uri: URI, body, timestamp }),
    timestamp: String(timestamp),
    secrets: [SECRET],
    nowMs: NOW.getTime(),
    ...overrides,
  });
  const refusal = (input: Parameters<typeof verifyHubSpot>[0]) => {
    try {
      verifyHubSpot(input);
    } catch (error) {
      expect((error as RedialError).kind).toBe("unauthenticated");
      return (error as RedialError).message;
    }
    throw new Error("accepted");
  };

  it("is base64 HMAC-SHA256 with the app secret over method + URI + body + timestamp, as HubSpot documents", () => {
    const expected = createHmac("sha256", SECRET).update(`POST${URI}${body}${timestamp}`).digest("base64");
    expect(signHubSpot({ secret: SECRET, method: "POST", uri: URI, body, timestamp })).toBe(expected);
    expect(() => verifyHubSpot(delivery())).not.toThrow();
  });

  it("decodes the characters HubSpot decodes in the URI before signing", () => {
    // %3D (=) and %20 are not on HubSpot's list: they stay encoded.
    expect(signatureUri("https://x.example/hook%3Fa%3Db%2Cc%40d%20e")).toBe(
      "https://x.example/hook?a%3Db,c@d%20e",
    );
  });

  it("accepts the signature for any of the candidate URLs, and any of the secrets while one rotates", () => {
    expect(() =>
      verifyHubSpot(delivery({ uris: ["http://10.0.0.1/v1/sources/hubspot/events", URI] })),
    ).not.toThrow();
    expect(() => verifyHubSpot(delivery({ secrets: ["the-new-secret-0000000000", SECRET] }))).not.toThrow();
  });

  it("refuses a changed body, another secret, another URL", () => {
    expect(refusal(delivery({ rawBody: body.replace("BAD_TIMING", "CONNECTED") }))).toMatch(/does not match/);
    expect(refusal(delivery({ secrets: ["another-secret-000000000000"] }))).toMatch(/does not match/);
    expect(refusal(delivery({ uris: ["https://evil.example/v1/sources/hubspot/events"] }))).toMatch(
      /does not match/,
    );
  });

  it("refuses a timestamp more than 5 minutes old or ahead, and malformed headers", () => {
    expect(refusal(delivery({ nowMs: timestamp + 5 * 60_000 + 1 }))).toMatch(/300 s old; at most 300 s/);
    expect(refusal(delivery({ nowMs: timestamp - 5 * 60_000 - 1000 }))).toMatch(/in the future/);
    expect(refusal(delivery({ timestamp: "2026-11-16" }))).toMatch(/epoch milliseconds/);
    expect(refusal(delivery({ signature: undefined }))).toMatch(/Missing X-HubSpot-Signature-v3/);
  });
});

describe("HubSpot app webhooks → canonical events (default mapping)", () => {
  it.each([
    ["73a0d17f-1163-4015-bdd5-ec830791da20", { type: "call.no_answer", voicemail: false }], // No answer
    ["9d9162e7-6cf3-4944-bf63-4dff82258764", { type: "call.no_answer", voicemail: false }], // Busy
    ["b2cf5968-551e-4856-9783-52b3da59a7d0", { type: "call.no_answer", voicemail: true }], // Left voicemail
  ])("maps the default call outcome %s", (disposition, expected) => {
    // A call's disposition on the contact itself, e.g. copied there by a workflow.
    const event = eventOf(map([propertyChange("hs_call_disposition", disposition)])[0]);
    expect(event).toMatchObject(expected);
  });

  it("maps a lead status and the opt-out property, keyed by hubspot:<eventId>, dated by occurredAt", () => {
    const [badTiming, optOut] = map([
      propertyChange("hs_lead_status", "bad_timing"), // values match case-insensitively
      propertyChange("hs_email_optout", "true", { eventId: 101 }),
    ]);
    expect(badTiming).toMatchObject({
      kind: "event",
      id: "hubspot:100",
      event: {
        type: "call.rejected",
        reason: "bad_timing",
        occurredAt: "2026-11-16T15:04:05.000Z",
        prospect: { id: "hubspot:51234" },
      },
    });
    expect(eventOf(optOut).type).toBe("prospect.opted_out");
  });

  it("turns a change of a profile property into prospect.updated, with HubSpot's zone names made IANA", () => {
    const event = eventOf(map([propertyChange("hs_timezone", "america_slash_new_york")])[0]);
    expect(event).toMatchObject({ type: "prospect.updated", prospect: { timezone: "America/New_York" } });
  });

  it("passes a zone no IANA database knows through to the event: G2 falls back and remarks on it", () => {
    const item = map([propertyChange("hs_timezone", "mars_slash_olympus")])[0];
    expect(eventOf(item).prospect.timezone).toBe("Mars/Olympus");
    expect(item?.kind === "event" && item.warnings).toEqual([]);
  });

  it("ignores unmapped properties and values, and events about other objects, saying why", () => {
    const items = map([
      propertyChange("hs_analytics_source", "OFFLINE"),
      propertyChange("hs_lead_status", "IN_PROGRESS", { eventId: 101 }),
      propertyChange("dealstage", "closedwon", { eventId: 102, subscriptionType: "deal.propertyChange" }),
      {
        ...propertyChange("hs_call_disposition", "x", { eventId: 103 }),
        subscriptionType: "object.propertyChange",
        objectTypeId: "0-48",
      },
    ]);
    expect(items.map((item) => item.kind)).toEqual(["ignored", "ignored", "ignored", "ignored"]);
    expect(items[1]).toMatchObject({ reason: expect.stringMatching(/IN_PROGRESS.*not mapped/) });
    expect(items[3]).toMatchObject({ reason: expect.stringMatching(/send those from a workflow/) });
  });

  it("treats object.propertyChange of a contact (0-1) like contact.propertyChange", () => {
    const item = map([
      {
        ...propertyChange("lifecyclestage", "customer"),
        subscriptionType: "object.propertyChange",
        objectTypeId: "0-1",
      },
    ])[0];
    expect(eventOf(item).type).toBe("prospect.converted");
  });

  it("maps subscription types without a property through `events`: contact.privacyDeletion → opted out", () => {
    const { propertyName: _n, propertyValue: _v, ...deletion } = propertyChange("", "");
    expect(eventOf(map([{ ...deletion, subscriptionType: "contact.privacyDeletion" }])[0]).type).toBe(
      "prospect.opted_out",
    );
  });

  it("refuses with 422 a body that is neither a batch of events nor a workflow object", () => {
    expect(() => map([{ eventId: 1 }])).toThrow(RedialError);
    expect(() => map("hello")).toThrow(/array of webhook events or a workflow/);
  });
});

describe("HubSpot workflows → canonical events", () => {
  const call = {
    contactId: "77001",
    hs_call_disposition: "73a0d17f-1163-4015-bdd5-ec830791da20",
    hs_timestamp: "1794839400000",
    hs_call_body: "x".repeat(2500),
    email: "not an address",
  };

  it("keys a workflow delivery by the digest of its bytes: a retry is a duplicate, another body is not", () => {
    const [a] = map(call);
    const [b] = map(call);
    const [c] = map({ ...call, hs_timestamp: "1794839460000" });
    expect(a?.id).toMatch(/^hubspot:wf:/);
    expect(b?.id).toBe(a?.id);
    expect(c?.id).not.toBe(a?.id);
  });

  it("dates the event by hs_timestamp, cuts a long note, and leaves out a bad field with a warning", () => {
    const [item] = map(call);
    expect(item?.kind).toBe("event");
    if (item?.kind !== "event") return;
    expect(item.event.occurredAt).toBe("2026-11-16T14:30:00.000Z");
    expect(item.event.note).toHaveLength(2000);
    expect(item.event.prospect.email).toBeUndefined();
    expect(item.warnings).toEqual([expect.stringMatching(/^email "not an address" left out/)]);
  });

  it("G2: maps country and region when the team names their properties; a country name is left out", () => {
    const custom = {
      ...settings,
      fields: { ...settings.fields, country: "iso_country", region: "iso_region" },
    };
    const [item] = map(
      { ...call, email: "dana@northwind.example", iso_country: "gb", iso_region: "GB-SCT" },
      custom,
    );
    if (item?.kind !== "event") throw new Error("expected an event");
    expect(item.event.prospect).toMatchObject({ country: "GB", region: "SCT" });
    const [named] = map({ ...call, email: "dana@northwind.example", iso_country: "Germany" }, custom);
    if (named?.kind !== "event") throw new Error("expected an event");
    expect(named.event.prospect.country).toBeUndefined();
    expect(named.warnings).toEqual([expect.stringMatching(/^country "Germany" left out/)]);
  });

  it("skips a workflow body with no contact, naming contactId", () => {
    const { contactId: _c, ...noContact } = call;
    expect(map(noContact)[0]).toMatchObject({ kind: "skipped", errors: [{ path: "contactId" }] });
  });

  it("reads every property of a contact-based workflow, unwrapping { value }", () => {
    const contact = {
      vid: 51299,
      properties: {
        firstname: { value: "Lee" },
        lifecyclestage: { value: "customer" },
        hs_lastmodifieddate: { value: "1794846000000" },
      },
    };
    expect(eventOf(map(contact)[0])).toMatchObject({
      type: "prospect.converted",
      occurredAt: "2026-11-16T16:20:00.000Z",
      prospect: { id: "hubspot:51299", firstName: "Lee" },
    });
  });

  it("sends a profile without a mapped outcome as prospect.updated, and a body with neither is ignored", () => {
    expect(eventOf(map({ contactId: "1", firstname: "Ann" })[0]).type).toBe("prospect.updated");
    expect(map({ contactId: "1", foo: "bar" })[0]?.kind).toBe("ignored");
  });
});

describe("a team's own HubSpot mapping (crm.hubspot in the playbook)", () => {
  const custom: HubSpotSettings = {
    ...settings,
    fields: {
      ...settings.fields,
      callbackAt: "redial_callback_date",
      callbackReason: "redial_callback_reason",
    },
    owners: { "12345": { id: "rep-7", email: "wendy@acme.example", name: "Wendy Ward" } },
    outcomes: {
      hs_call_disposition: {
        "3f2a1c9e-0000-4000-8000-000000000001": { type: "call.stalled" }, // the team's "Call me back"
        "3f2a1c9e-0000-4000-8000-000000000002": { type: "call.rejected", reason: "has_vendor" },
      },
    },
  };

  it("maps the team's own call outcomes and owners; the built-in map no longer applies", () => {
    const [stalled, rejected, noAnswer] = [
      {
        contactId: "5",
        hs_call_disposition: "3f2a1c9e-0000-4000-8000-000000000001",
        redial_callback_date: String(Date.parse("2027-05-15T00:00:00Z")),
        redial_callback_reason: "After their budget round",
        hubspot_owner_id: "12345",
      },
      { contactId: "5", hs_call_disposition: "3F2A1C9E-0000-4000-8000-000000000002" },
      { contactId: "5", hs_call_disposition: "73a0d17f-1163-4015-bdd5-ec830791da20" },
    ].map((body) => map(body, custom)[0]);
    expect(eventOf(stalled)).toMatchObject({
      type: "call.stalled",
      callbackAt: "2027-05-15",
      callbackReason: "After their budget round",
      prospect: { owner: { id: "rep-7", email: "wendy@acme.example" } },
    });
    expect(eventOf(rejected)).toMatchObject({ type: "call.rejected", reason: "has_vendor" });
    expect(noAnswer?.kind).toBe("ignored");
  });

  it("skips a stall without a callback date, saying which setting is missing", () => {
    const item = map(
      { contactId: "5", hs_call_disposition: "3f2a1c9e-0000-4000-8000-000000000001" },
      {
        ...custom,
        fields: settings.fields,
      },
    )[0];
    expect(item).toMatchObject({ kind: "skipped", reason: expect.stringMatching(/fields\.callbackAt/) });
  });
});
