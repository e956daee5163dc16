/**
 * The HTTP Notifier (issue 4) against a real local receiver: what goes over the wire verifies with
 * the Standard Webhooks scheme, and every kind of failure (non-2xx, redirect, timeout, nobody
 * listening) throws with a message fit for the prospect's timeline.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { WebhookDelivery } from "@redial/core";
import { HttpNotifier, verifyWebhook } from "@redial/functions";
import { afterEach, describe, expect, it } from "vitest";

const SECRET = `whsec_${Buffer.from("crm-receiver-secret, 32 bytes ok").toString("base64")}`;

const delivery: WebhookDelivery = {
  webhookId: "rdl_0123456789abcdef0123456789abcdef",
  type: "prospect.recycled",
  timestamp: new Date("2027-06-15T17:00:00Z"),
  payload: { prospectId: "hubspot:51234", ownerId: "rep-7" },
};

let server: Server | undefined;

afterEach(async () => {
  const open = server;
  server = undefined;
  if (!open) return;
  open.closeAllConnections();
  await new Promise((resolve) => open.close(resolve));
});

/** A receiver answering with `respond`; returns its URL and what it got. */
async function receiver(respond: (res: import("node:http").ServerResponse) => void) {
  const got: { headers: IncomingHttpHeaders; raw: string; method: string | undefined }[] = [];
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => {
      raw += chunk.toString("utf8");
    });
    req.on("end", () => {
      got.push({ headers: req.headers, raw, method: req.method });
      respond(res);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, got };
}

describe("HttpNotifier", () => {
  it("POSTs { type, timestamp, data } signed with Standard Webhooks, timestamped by the wall clock", async () => {
    const { url, got } = await receiver((res) => res.writeHead(200).end("ok"));
    await new HttpNotifier({ url, secret: SECRET }).deliver(delivery);

    const [request] = got;
    if (!request) throw new Error("nothing received");
    expect(request.method).toBe("POST");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request.raw)).toEqual({
      type: "prospect.recycled",
      timestamp: "2027-06-15T17:00:00Z",
      data: { prospectId: "hubspot:51234", ownerId: "rep-7" },
    });
    const verified = verifyWebhook({
      id: request.headers["webhook-id"] as string,
      timestamp: request.headers["webhook-timestamp"] as string,
      signatureHeader: request.headers["webhook-signature"] as string,
      rawBody: request.raw,
      secrets: [SECRET],
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    expect(verified).toBe(delivery.webhookId);
  });

  it("a non-2xx answer throws with the status and the start of the answer", async () => {
    const { url } = await receiver((res) => res.writeHead(503).end("maintenance until 18:00"));
    await expect(new HttpNotifier({ url, secret: SECRET }).deliver(delivery)).rejects.toThrow(
      "The CRM answered HTTP 503: maintenance until 18:00",
    );
  });

  it("a redirect is a failure, not followed (it would turn the POST into a GET)", async () => {
    const { url, got } = await receiver((res) => res.writeHead(302, { location: "/elsewhere" }).end());
    await expect(new HttpNotifier({ url, secret: SECRET }).deliver(delivery)).rejects.toThrow("HTTP 302");
    expect(got).toHaveLength(1);
  });

  it("no answer within the timeout throws", async () => {
    const { url } = await receiver(() => {}); // never answers
    await expect(new HttpNotifier({ url, secret: SECRET, timeoutMs: 200 }).deliver(delivery)).rejects.toThrow(
      "No answer within 0.2 s",
    );
  });

  it("nobody listening throws with the network's reason", async () => {
    const { url } = await receiver((res) => res.end());
    const open = server;
    server = undefined;
    await new Promise((resolve) => open?.close(resolve));
    await expect(new HttpNotifier({ url, secret: SECRET }).deliver(delivery)).rejects.toThrow(/ECONNREFUSED/);
  });

  it("a malformed secret fails at construction, not on every delivery", () => {
    expect(() => new HttpNotifier({ url: "https://crm.example/hook", secret: "hunter2" })).toThrow(/whsec_/);
  });
});
