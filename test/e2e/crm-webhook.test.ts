/**
 * Notifying the CRM (issue 4) end to end, over HTTP against `npm start`'s runtime with a real local
 * receiver: when a recycle or a callback comes due (R12), the configured URL gets a Standard Webhooks
 * delivery that verifies with the same scheme Redial checks on its own inbound events. A receiver
 * that keeps failing for one prospect gets exactly 6 attempts, on the backoff schedule, then the
 * notice is dead-lettered on that prospect's timeline; another prospect, due at the same instant to
 * the same URL, is delivered on its first try.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type IngestResult, NOTIFY_RETRY_DELAYS_MS, type TimelineEntry } from "@redial/core";
import { verifyWebhook, webhookHeaders } from "@redial/functions";
import { DEV_API_TOKEN, DEV_WEBHOOK_SECRET, type Runtime, startRuntime } from "@redial/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The CRM's own secret for Redial's outbound webhooks (not the inbound one). */
const CRM_SECRET = `whsec_${Buffer.from("the-crm-receiver-secret-for-tests").toString("base64")}`;
const START = "2027-02-16T15:00:00Z"; // Tue 10:00 in New York
const FAILING = "crm:x";

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  body: { type: string; timestamp: string; data: { prospectId: string; entry: { reason: string } } };
  /** Business time when it arrived (the runtime's dev clock). */
  businessAt: number;
}

let runtime: Runtime;
let receiver: Server;
const received: Received[] = [];
let delivery = 0;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let raw = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      raw += chunk;
    });
    request.on("end", () => {
      const body = JSON.parse(raw) as Received["body"];
      received.push({ headers: request.headers, raw, body, businessAt: runtime.clock.now().getTime() });
      // Down for one prospect only: every other delivery to the same URL succeeds.
      const failing = body.data.prospectId === FAILING;
      response.writeHead(failing ? 500 : 204).end(failing ? "CRM is down for this record" : undefined);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const { port } = receiver.address() as AddressInfo;
  runtime = await startRuntime({
    port: 0,
    dynamoPort: 0,
    sesPort: 0,
    // Business time starts a day before START whatever today's date (REDIAL_DEV_NOW).
    env: { REDIAL_DEV_NOW: "2027-02-15T15:00:00Z" },
    log: "silent",
    crmWebhook: { url: `http://127.0.0.1:${port}/hooks/redial`, secret: CRM_SECRET },
  });
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
}, 30_000);

const post = async (path: string, body: unknown) => {
  const response = await fetch(`${runtime.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
};

async function send(event: Record<string, unknown>, id: string) {
  const prospect = {
    id,
    email: `${id.replace(":", ".")}@northwind.example`,
    firstName: "Dana",
    company: "Northwind",
    timezone: "America/New_York",
    tier: "A",
    owner: { id: "rep-7", email: "wendy@acme.example", name: "Wendy Ward" },
  };
  const body = JSON.stringify({ occurredAt: START, prospect, ...event });
  const response = await fetch(`${runtime.url}/v1/events`, {
    method: "POST",
    headers: webhookHeaders({ id: `msg_crm_${++delivery}`, body, secret: DEV_WEBHOOK_SECRET }),
    body,
  });
  expect(response.status).toBe(202);
  return (await response.json()) as IngestResult;
}

const timelineOf = async (id: string) => {
  const response = await fetch(`${runtime.url}/v1/prospects/${encodeURIComponent(id)}`, {
    headers: { authorization: `Bearer ${DEV_API_TOKEN}` },
  });
  return ((await response.json()) as { timeline: TimelineEntry[] }).timeline;
};

const verify = (r: Received, secrets = [CRM_SECRET]) =>
  verifyWebhook({
    id: r.headers["webhook-id"] as string,
    timestamp: r.headers["webhook-timestamp"] as string,
    signatureHeader: r.headers["webhook-signature"] as string,
    rawBody: r.raw,
    secrets,
    nowSeconds: Math.floor(Date.now() / 1000),
  });

const to = (id: string) => received.filter((r) => r.body.data.prospectId === id);

describe("the CRM webhook (issue 4)", () => {
  it("recycles and callbacks that come due are delivered, signed; a failing receiver is retried, then dead-lettered, without holding up the others", async () => {
    expect((await post("/_dev/clock", { to: START })).status).toBe(200);
    // Tier A, hostile (R4): both recycled after 120 days, due at the same instant.
    expect((await send({ type: "call.rejected", reason: "hostile" }, FAILING)).decision.rule).toBe("R4");
    expect((await send({ type: "call.rejected", reason: "hostile" }, "crm:y")).decision.rule).toBe("R4");
    // A callback asked for in a month, with a reason (R5).
    const stalled = { type: "call.stalled", callbackAt: "2027-03-16", callbackReason: "Budget review" };
    expect((await send(stalled, "crm:z")).decision.rule).toBe("R5");
    expect(received).toEqual([]); // nothing came due yet

    // 130 days of business time: the clock stops at every due time, retries included.
    expect((await post("/_dev/clock", { advance: "P130D" })).status).toBe(200);

    // The callback: one delivery, callback.due, verified with the Standard Webhooks scheme.
    const [callback, ...moreCallbacks] = to("crm:z");
    expect(moreCallbacks).toEqual([]);
    expect(callback?.body).toMatchObject({ type: "callback.due", data: { entry: { reason: "callback" } } });
    expect(callback && verify(callback)).toBe(callback?.headers["webhook-id"]);

    // The recycle of Y: one delivery, prospect.recycled, verified; a wrong secret does not verify.
    const [recycled, ...moreRecycled] = to("crm:y");
    expect(moreRecycled).toEqual([]);
    if (!recycled) throw new Error("crm:y was not notified");
    expect(recycled.body).toMatchObject({
      type: "prospect.recycled",
      data: { entry: { reason: "recycle" } },
    });
    expect(recycled.headers["content-type"]).toBe("application/json");
    expect(verify(recycled)).toBe(recycled.headers["webhook-id"]);
    expect(() => verify(recycled, [DEV_WEBHOOK_SECRET])).toThrow(/No webhook-signature entry matches/);
    // Signed on the wall clock; the body's timestamp is business time, pinned and then moved 130 days.
    expect(Math.abs(Number(recycled.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(300);
    expect(Math.abs(Date.parse(recycled.body.timestamp) - recycled.businessAt)).toBeLessThan(60_000);
    expect(Date.parse(recycled.body.timestamp)).toBeGreaterThan(Date.parse(START) + 100 * 86_400_000);
    expect((await timelineOf("crm:y")).map((e) => e.type)).toContain("webhook.delivered");

    // X: exactly 6 attempts, one webhook id and one body, 1 min, 5 min, 30 min, 2 h, 8 h apart.
    const attempts = to(FAILING);
    expect(attempts).toHaveLength(6);
    expect(new Set(attempts.map((a) => a.headers["webhook-id"])).size).toBe(1);
    expect(new Set(attempts.map((a) => a.raw)).size).toBe(1);
    for (const attempt of attempts) expect(verify(attempt)).toBe(attempt.headers["webhook-id"]);
    const gaps = attempts.slice(1).map((a, i) => a.businessAt - (attempts[i]?.businessAt ?? 0));
    gaps.forEach((gap, i) => {
      // Retry times are stored to the second, and a little real time passes between the clock's stop and the request.
      expect(Math.abs(gap - (NOTIFY_RETRY_DELAYS_MS[i] ?? 0)), `gap ${i + 1}: ${gap} ms`).toBeLessThan(3_000);
    });
    // Not blocked: Y, due at the same instant, got its one delivery before X's first retry.
    expect(recycled.businessAt).toBeLessThan(attempts[1]?.businessAt ?? 0);

    const timeline = await timelineOf(FAILING);
    const webhooks = timeline.filter((e) => e.type.startsWith("webhook."));
    expect(webhooks.map((e) => e.type)).toEqual([
      ...Array(5).fill("webhook.failed"),
      "webhook.dead_lettered",
    ]);
    const dead = webhooks.at(-1);
    expect(dead?.reason).toContain("HTTP 500");
    expect(dead?.webhookId).toBe(attempts[0]?.headers["webhook-id"]);
    expect(JSON.parse(dead?.note ?? "{}")).toEqual(JSON.parse(attempts[0]?.raw ?? ""));

    // Dead means dead: a day later, no seventh attempt.
    await post("/_dev/clock", { advance: "P1D" });
    expect(to(FAILING)).toHaveLength(6);
  });
});
