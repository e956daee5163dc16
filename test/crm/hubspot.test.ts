import { webhookHeaders } from "@redial/functions";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Delivery,
  expectRefused,
  fixture,
  HUBSPOT_SECRET,
  harness,
  hubspotHeaders,
  json,
  WEBHOOK_SECRET,
} from "./harness.ts";

type Harness = Awaited<ReturnType<typeof harness>>;

let h: Harness;
beforeAll(async () => {
  h = await harness();
});

const post = (body: string, headers: Record<string, string>, path = "/v1/sources/hubspot/events") =>
  h.app.request(path, { method: "POST", body, headers });

describe("HubSpot app webhooks (X-HubSpot-Signature-v3)", () => {
  const batch = fixture("hubspot/app-webhook-batch.json");

  it("applies each contact event of a documented batch under hubspot:<eventId>, and says why the rest are not", async () => {
    const response = await post(batch, hubspotHeaders(batch));

    expect(response.status).toBe(200);
    const delivery = await json<Delivery>(response);
    expect(delivery).toMatchObject({ source: "hubspot", received: 5, applied: 3, ignored: 2, skipped: 0 });
    expect(delivery.items.map((item) => [item.id, item.status, item.type])).toEqual([
      ["hubspot:3811250001", "applied", "call.rejected"],
      ["hubspot:3811250002", "applied", "prospect.updated"],
      ["hubspot:3811250003", "ignored", undefined],
      ["hubspot:3811250004", "applied", "prospect.converted"],
      ["hubspot:3811250005", "ignored", undefined],
    ]);
    expect(delivery.items[0]?.result?.decision.rule).toBe("R2"); // BAD_TIMING: a first soft no
    expect(delivery.items[4]?.reason).toMatch(/not about a contact/);

    const dana = await h.store.getProspect("hubspot:51234");
    expect(dana?.prospect.profile.title).toBe("VP Operations");
    expect(dana?.timeline.filter((e) => e.kind === "event").map((e) => [e.type, e.webhookId])).toEqual([
      ["call.rejected", "hubspot:3811250001"],
      ["prospect.updated", "hubspot:3811250002"],
    ]);
    expect((await h.store.getProspect("hubspot:90210"))?.prospect.status).toBe("converted");
  });

  it("answers a redelivered batch (HubSpot retries for up to 3 days) with duplicates and writes nothing", async () => {
    const before = (await h.timeline("hubspot:51234")).length;
    h.requests.reset();

    const response = await post(batch, hubspotHeaders(batch)); // a retry: a new timestamp, the same events

    const delivery = await json<Delivery>(response);
    expect(delivery).toMatchObject({ applied: 0, duplicates: 3, ignored: 2 });
    expect(delivery.items[0]?.result).toMatchObject({ duplicate: true, decision: { rule: "R2" } });
    expect(h.writes()).toBe(0);
    expect(await h.timeline("hubspot:51234")).toHaveLength(before);
  });

  it("accepts a signature over the public URL HubSpot called, as well as the URL that arrived", async () => {
    const body = JSON.stringify([
      {
        eventId: 3811250100,
        subscriptionId: 2417345,
        portalId: 62515,
        appId: 54321,
        occurredAt: Date.parse("2026-11-16T16:00:00Z"),
        subscriptionType: "contact.privacyDeletion",
        attemptNumber: 0,
        objectId: 51777,
      },
    ]);

    const response = await post(
      body,
      hubspotHeaders(body, { uri: "https://redial.acme.example/v1/sources/hubspot/events" }),
    );

    expect(response.status).toBe(200);
    expect((await json<Delivery>(response)).items[0]).toMatchObject({
      status: "applied",
      type: "prospect.opted_out",
      result: { decision: { rule: "R0" } },
    });
  });
});

describe("HubSpot workflows (Send a webhook)", () => {
  it("maps a call outcome sent with a customized body: Left voicemail → call.no_answer with a voicemail (R8)", async () => {
    const body = fixture("hubspot/workflow-call-outcome.json");

    const response = await post(body, hubspotHeaders(body));

    expect(response.status).toBe(200);
    const [item] = (await json<Delivery>(response)).items;
    expect(item).toMatchObject({
      status: "applied",
      type: "call.no_answer",
      result: { decision: { rule: "R8" } },
    });
    expect(item?.id).toMatch(/^hubspot:wf:[\w-]{32}$/);
    const sam = await h.store.getProspect("hubspot:77001");
    expect(sam?.prospect.profile).toMatchObject({
      email: "sam.ortiz@contoso.example",
      firstName: "Sam",
      timezone: "America/Chicago",
      owner: { id: "12345" },
    });
    expect(sam?.timeline.at(-1)).toMatchObject({
      occurredAt: "2026-11-16T14:30:00.000Z",
      note: "Left a voicemail: will try again Wednesday morning.",
    });

    // HubSpot retries a workflow webhook with the same body: the same key, a duplicate.
    const again = await json<Delivery>(await post(body, hubspotHeaders(body)));
    expect(again.items[0]).toMatchObject({ id: item?.id, status: "duplicate" });
  });

  it("maps a contact sent with all its properties: lead status UNQUALIFIED → prospect.disqualified (R1)", async () => {
    const body = fixture("hubspot/workflow-contact-all-properties.json");

    const delivery = await json<Delivery>(await post(body, hubspotHeaders(body)));

    expect(delivery.items[0]).toMatchObject({
      status: "applied",
      type: "prospect.disqualified",
      result: { prospectId: "hubspot:51299", state: "disqualified", decision: { rule: "R1" } },
    });
  });
});

describe("HubSpot deliveries that are refused, with nothing written", () => {
  const body = fixture("hubspot/app-webhook-batch.json").replace("3811250001", "3811259001");

  const refused = (send: () => Response | Promise<Response>, status: number, detail: RegExp) =>
    expectRefused(h, send, status, detail);

  it("refuses a tampered body", async () => {
    const headers = hubspotHeaders(body);
    await refused(() => post(body.replace("BAD_TIMING", "UNQUALIFIED"), headers), 401, /does not match/);
  });

  it("refuses a signature made with another secret", async () => {
    await refused(
      () => post(body, hubspotHeaders(body, { secret: "another-app-client-secret-000000" })),
      401,
      /does not match/,
    );
  });

  it("refuses a timestamp older than 5 minutes, even correctly signed", async () => {
    const timestamp = Date.now() - 6 * 60_000;
    await refused(() => post(body, hubspotHeaders(body, { timestamp })), 401, /s old; at most 300 s/);
  });

  it("refuses a delivery without the signature headers", async () => {
    await refused(
      () => post(body, { "content-type": "application/json" }),
      401,
      /Missing X-HubSpot-Signature-v3/,
    );
  });

  it("refuses a signed body that is not a HubSpot batch with 422, naming the field", async () => {
    const bad = JSON.stringify([{ eventId: 1, subscriptionType: "contact.creation" }]);
    await refused(() => post(bad, hubspotHeaders(bad)), 422, /Not a HubSpot webhook batch/);
  });
});

describe("POST /v1/sources/{source}/events, whatever the source", () => {
  it("answers 503 with problem+json while a CRM has no secret configured, so the CRM retries", async () => {
    const bare = await harness({});
    const body = fixture("hubspot/app-webhook-batch.json");

    const response = await bare.app.request("/v1/sources/hubspot/events", {
      method: "POST",
      body,
      headers: hubspotHeaders(body),
    });

    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect((await json<{ detail: string }>(response)).detail).toMatch(/REDIAL_HUBSPOT_SECRET/);
    expect(bare.writes()).toBe(0);
  });

  it("answers 404 for a source it does not know", async () => {
    const response = await post("{}", { "content-type": "application/json" }, "/v1/sources/zoho/events");
    expect(response.status).toBe(404);
  });

  it("serves Standard Webhooks as source generic, exactly as POST /v1/events", async () => {
    const body = JSON.stringify({
      type: "call.rejected",
      occurredAt: "2026-11-16T16:30:00Z",
      reason: "all_set",
      prospect: { id: "generic:1", timezone: "America/New_York" },
    });

    const response = await h.app.request("/v1/sources/generic/events", {
      method: "POST",
      body,
      headers: webhookHeaders({ id: "msg_generic_1", body, secret: WEBHOOK_SECRET }),
    });

    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ eventId: "msg_generic_1", decision: { rule: "R2" } });
  });

  it("keeps HUBSPOT_SECRET out of every answer", async () => {
    const body = "[]";
    const response = await post(body, hubspotHeaders(body, { secret: "wrong-secret-wrong-secret-0000" }));
    expect(await response.text()).not.toContain(HUBSPOT_SECRET);
  });
});
