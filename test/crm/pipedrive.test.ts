import { beforeAll, describe, expect, it } from "vitest";
import { type Delivery, expectRefused, fixture, harness, json, PIPEDRIVE } from "./harness.ts";

type Harness = Awaited<ReturnType<typeof harness>>;

let h: Harness;
beforeAll(async () => {
  h = await harness();
});

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const post = (body: string, authorization = basic(PIPEDRIVE.user, PIPEDRIVE.password)) =>
  h.app.request("/v1/sources/pipedrive/events", {
    method: "POST",
    body,
    headers: { "content-type": "application/json", authorization },
  });
const item = async (response: Response) => {
  expect(response.status).toBe(200);
  const delivery = await json<Delivery>(response);
  expect(delivery.received).toBe(1);
  return delivery.items[0];
};

describe("Pipedrive webhooks (HTTP Basic auth)", () => {
  it("v2: creates the person's profile from a person.create", async () => {
    expect(await item(await post(fixture("pipedrive/v2-person-created.json")))).toMatchObject({
      id: "pipedrive:5359a602-6d1b-4562-a385-ccaa762bd722",
      status: "applied",
      type: "prospect.updated",
    });
    expect((await h.store.getProspect("pd:88123"))?.prospect.profile).toMatchObject({
      email: "priya.shah@initech.example",
      firstName: "Priya",
      lastName: "Shah",
      phone: "+1 415 555 0172",
      owner: { id: "12415231" },
    });
  });

  it("v2: an activity marked done with type voicemail → call.no_answer with a voicemail (R8)", async () => {
    const started = performance.now();
    const answer = await item(await post(fixture("pipedrive/v2-activity-marked-done.json")));
    // Pipedrive gives up after 10 s: one read and one transaction are well inside it.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(answer).toMatchObject({
      status: "applied",
      type: "call.no_answer",
      result: { decision: { rule: "R8" } },
    });
    expect((await h.timeline("pd:88123")).at(-1)).toMatchObject({
      type: "call.no_answer",
      webhookId: "pipedrive:5a0e7c2d-41b8-4f7e-9d3c-2b6a8e1f0c77",
      occurredAt: "2026-11-16T15:04:05.412Z",
    });
  });

  it("v2: a deal lost as 'Not interested' → call.rejected not_interested (R2), once however often it is sent", async () => {
    const body = fixture("pipedrive/v2-deal-lost.json");
    expect(await item(await post(body))).toMatchObject({
      type: "call.rejected",
      result: { prospectId: "pd:88124", decision: { rule: "R2" } },
    });

    h.requests.reset();
    expect(await item(await post(body))).toMatchObject({ status: "duplicate" });
    expect(h.writes()).toBe(0);
  });

  it("v1: a deal won → prospect.converted, the person and the owner read from v1's objects", async () => {
    expect(await item(await post(fixture("pipedrive/v1-deal-won.json")))).toMatchObject({
      id: "pipedrive:v1:4710826:deal:57:1794846000384700",
      type: "prospect.converted",
      result: { prospectId: "pd:88125", state: "converted", decision: { rule: "R10" } },
    });
    expect((await h.store.getProspect("pd:88125"))?.prospect.profile).toMatchObject({
      email: "omar@umbrella.example",
      owner: { id: "12415231", email: "wendy@acme.example", name: "Wendy Ward" },
    });
  });

  it("ignores a later edit of a lost deal: its status did not change in that delivery", async () => {
    const lost = JSON.parse(fixture("pipedrive/v2-deal-lost.json"));
    const edit = {
      ...lost,
      data: { ...lost.data, title: "Globex deal (old)" },
      previous: { title: "Globex deal" },
      meta: { ...lost.meta, id: "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", action: "change" },
    };
    expect(await item(await post(JSON.stringify(edit)))).toMatchObject({ status: "ignored" });
  });
});

describe("Pipedrive values the event schema refuses", () => {
  it("v1: a deal lost as 'Do not contact' opts the person out (R0) even when the owner's address is refused", async () => {
    const won = JSON.parse(fixture("pipedrive/v1-deal-won.json"));
    const lost = {
      ...won,
      meta: { ...won.meta, id: 58, timestamp: 1794849600, timestamp_micro: 1794849600000000 },
      current: {
        ...won.current,
        id: 58,
        person_id: { ...won.current.person_id, value: 88126 },
        status: "lost",
        lost_reason: "Do not contact",
        user_id: { ...won.current.user_id, email: "renée@acme.example" },
      },
      previous: { ...won.previous, id: 58, person_id: 88126 },
    };

    expect(await item(await post(JSON.stringify(lost)))).toMatchObject({
      status: "applied",
      type: "call.rejected",
      result: { prospectId: "pd:88126", state: "opted_out", decision: { rule: "R0" } },
      warnings: [expect.stringMatching(/^owner\.email "renée@acme\.example" left out/)],
    });
    const stored = await h.store.getProspect("pd:88126");
    expect(stored?.prospect.status).toBe("opted_out");
    expect(stored?.prospect.profile.owner).toEqual({ id: "12415231", name: "Wendy Ward" });
  });
});

describe("Pipedrive deliveries that are refused, with nothing written", () => {
  const body = fixture("pipedrive/v2-deal-lost.json").replace("9e2b4c6d", "9e2b4c6e");

  const refused = (send: () => Response | Promise<Response>, status: number, detail: RegExp) =>
    expectRefused(h, send, status, detail);

  it("refuses a wrong password, a wrong user, and no credentials", async () => {
    await refused(() => post(body, basic(PIPEDRIVE.user, "not-the-password-000")), 401, /Wrong Pipedrive/);
    await refused(() => post(body, basic("someone", PIPEDRIVE.password)), 401, /Wrong Pipedrive/);
    await refused(() => post(body, "Bearer abc"), 401, /Missing or malformed Authorization: Basic/);
  });

  it("refuses a body that is not a Pipedrive webhook with 422, naming the field", async () => {
    await refused(
      () => post(JSON.stringify({ meta: { version: "2.0" } })),
      422,
      /Not a Pipedrive webhook v2/,
    );
  });
});
