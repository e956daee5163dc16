import { beforeAll, describe, expect, it } from "vitest";
import { type Delivery, expectRefused, fixture, harness, json, SALESFORCE_SECRET } from "./harness.ts";

type Harness = Awaited<ReturnType<typeof harness>>;

let h: Harness;
beforeAll(async () => {
  h = await harness();
});

const URL = `/v1/sources/salesforce/events?token=${SALESFORCE_SECRET}`;
const soap = (body: string, url = URL) =>
  h.app.request(url, {
    method: "POST",
    body,
    headers: { "content-type": "text/xml; charset=utf-8", soapaction: '""' },
  });
const flow = (body: string, token = SALESFORCE_SECRET) =>
  h.app.request("/v1/sources/salesforce/events", {
    method: "POST",
    body,
    headers: { "content-type": "application/json", "x-redial-token": token },
  });
const ACK =
  /<notificationsResponse xmlns="http:\/\/soap\.sforce\.com\/2005\/09\/outbound"><Ack>true<\/Ack><\/notificationsResponse>/;
const events = async (prospectId: string) => (await h.timeline(prospectId)).filter((e) => e.kind === "event");

describe("Salesforce Outbound Messages (SOAP)", () => {
  it("stores each Task notification of a documented message, then answers <Ack>true</Ack>", async () => {
    const response = await soap(fixture("salesforce/outbound-message-tasks.xml"));

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/xml; charset=utf-8");
    expect(await response.text()).toMatch(ACK);
    const [rejected] = await events("sf:00Q5e00000AbCdEEAZ");
    expect(rejected).toMatchObject({
      type: "call.rejected",
      rule: "R2",
      webhookId: "salesforce:04l5e00000Gx7QzAAJ",
      occurredAt: "2026-11-16T15:04:05.000Z",
      note: 'Said they "just signed" with a competitor & will revisit in spring.',
    });
    expect((await h.store.getProspect("sf:00Q5e00000AbCdEEAZ"))?.prospect.profile.owner).toEqual({
      id: "0055e000004XyZaAAK",
    });
    expect(await events("sf:0035e00000AbCdEAAV")).toMatchObject([{ type: "call.no_answer", rule: "R8" }]);
    // "Connected - follow up" is not in the mapping: acknowledged, nothing stored.
    expect(await h.store.getProspect("sf:00Q5e00000AbCdFEAZ")).toBeNull();
  });

  it("maps a Lead notification: opted out of email → R0, with the Lead's profile", async () => {
    const response = await soap(fixture("salesforce/outbound-message-lead.xml"));

    expect(await response.text()).toMatch(ACK);
    const jo = await h.store.getProspect("sf:00Q5e00000AbCdGEAZ");
    expect(jo?.prospect).toMatchObject({
      status: "opted_out",
      profile: {
        email: "jo.kim@fabrikam.example",
        firstName: "Jo",
        company: "Fabrikam",
        title: "Head of IT",
      },
    });
  });

  it("applies a message of 100 notifications once, even delivered three times at once and again later", async () => {
    const message = hundredNotifications();

    const answers = await Promise.all([soap(message), soap(message), soap(message)]);

    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(await answer.text()).toMatch(ACK);
    }
    for (let p = 0; p < 50; p++) {
      const stored = await events(bulkProspect(p));
      expect(stored.map((e) => e.webhookId)).toEqual([bulkNotification(p), bulkNotification(p + 50)]);
      expect(stored.map((e) => e.type)).toEqual(["call.no_answer", "call.rejected"]);
    }

    h.requests.reset();
    const fourth = await soap(message);
    expect(await fourth.text()).toMatch(ACK);
    expect(h.writes()).toBe(0);
  });
});

describe("Salesforce Flow HTTP callouts (JSON)", () => {
  it("maps a Task with its Lead or Contact, and answers what became of it", async () => {
    const response = await flow(fixture("salesforce/flow-callout-task.json"));

    expect(response.status).toBe(200);
    const delivery = await json<Delivery>(response);
    expect(delivery.items).toMatchObject([
      {
        id: "salesforce:00T5e00000Qw1AeEAJ-2026-11-16T16:10:00.000Z",
        status: "applied",
        type: "call.rejected",
        result: { prospectId: "sf:0035e00000AbCdHAAV", decision: { rule: "R2" } },
      },
    ]);
    expect((await h.store.getProspect("sf:0035e00000AbCdHAAV"))?.prospect.profile).toMatchObject({
      email: "ana.ruiz@northwind.example",
      title: "Operations Director",
    });
  });
});

describe("Salesforce deliveries that are refused, with nothing written", () => {
  const tasks = fixture("salesforce/outbound-message-tasks.xml").replaceAll("04l5e00000Gx7", "04l5e00000Zz7");

  const refused = (send: () => Response | Promise<Response>, status: number, detail: RegExp) =>
    expectRefused(h, send, status, detail);

  it("refuses a wrong token, and none", async () => {
    await refused(() => soap(tasks, "/v1/sources/salesforce/events?token=not-the-token-0000"), 401, /Wrong/);
    await refused(() => soap(tasks, "/v1/sources/salesforce/events"), 401, /Missing X-Redial-Token/);
    await refused(
      () => flow(fixture("salesforce/flow-callout-task.json"), "not-the-token-0000"),
      401,
      /Wrong/,
    );
  });

  it("refuses a message from another organization, SOAP or Flow", async () => {
    await refused(
      () => soap(tasks.replace("00D5e000000KQ2eEAG", "00D5e000000XXXXEAG")),
      401,
      /not the configured/,
    );
    const other = fixture("salesforce/flow-callout-task.json").replace(
      "00D5e000000KQ2eEAG",
      "00D000000000001AAA",
    );
    await refused(() => flow(other), 401, /not the configured Salesforce org/);
  });

  it("refuses XML with a DOCTYPE (no entities, no XXE)", async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${tasks.slice(tasks.indexOf("<soapenv:Envelope"))}`;
    await refused(() => soap(xxe), 400, /DOCTYPE is not accepted/);
  });

  it("refuses a message of more than 100 notifications, and one that is not an Outbound Message", async () => {
    await refused(() => soap(hundredNotifications(101)), 422, /at most 100/);
    await refused(() => soap("<soapenv:Envelope xmlns:soapenv='urn:x'/>"), 422, /not a SOAP 1\.1/);
    await refused(() => soap("<notifications><Notification>"), 400, /not closed/);
  });
});

const bulkProspect = (p: number) => `sf:00Q5e00000Zz${String(p).padStart(3, "0")}EAZ`;
const bulkNotification = (n: number) => `salesforce:04l5e00000Hh${String(n).padStart(3, "0")}AAJ`;

/**
 * `count` notifications built from the fixture's first one: notification n is about prospect n % 50,
 * a voicemail-less no answer for the first 50 and a rejection, a minute later, for the next 50.
 */
function hundredNotifications(count = 100): string {
  const source = fixture("salesforce/outbound-message-tasks.xml");
  const start = source.indexOf("<Notification>");
  const template = source.slice(start, source.indexOf("</Notification>", start) + "</Notification>".length);
  const notifications = Array.from({ length: count }, (_, n) => {
    const p = n % 50;
    return template
      .replace("04l5e00000Gx7QzAAJ", `04l5e00000Hh${String(n).padStart(3, "0")}AAJ`)
      .replace("00Q5e00000AbCdEEAZ", bulkProspect(p).slice(3))
      .replace("Not Interested", n < 50 ? "No Answer" : "Not Interested")
      .replace("2026-11-16T15:04:05.000Z", n < 50 ? "2026-11-16T15:04:05.000Z" : "2026-11-16T15:05:05.000Z");
  });
  const end = source.lastIndexOf("</Notification>") + "</Notification>".length;
  return source.slice(0, start) + notifications.join("\n   ") + source.slice(end);
}
