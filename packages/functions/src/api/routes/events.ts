/**
 * POST /v1/events: a signed CRM webhook (CONTRACT.md "Inbound events"). Every check that can refuse
 * the delivery runs before ingest(), so nothing is written for any 4xx. The order is the cheapest
 * refusal first, and the signature before any parsing of what an unauthenticated sender wrote.
 */
import { ingest, MAX_EVENT_BYTES, parseJsonBody, RedialError, readEvent } from "@redial/core";
import type { Handler } from "hono";
import type { AppDeps } from "../app.ts";
import { verifyWebhook } from "../webhook-signature.ts";

export const postEvent =
  (deps: AppDeps): Handler =>
  async (c) => {
    requireJson(c.req.header("content-type"));
    const body = await readBody(c.req.raw, MAX_EVENT_BYTES);
    const webhookId = verifyWebhook({
      id: c.req.header("webhook-id"),
      timestamp: c.req.header("webhook-timestamp"),
      signatureHeader: c.req.header("webhook-signature"),
      rawBody: body,
      secrets: deps.config.webhookSecrets,
      // The wall clock, not the business clock: a moved dev clock must not expire real timestamps.
      nowSeconds: Math.floor(deps.wallClock.now().getTime() / 1000),
    });
    const { event, remarks } = parseEvent(body);
    const result = await ingest({ webhookId, event, remarks }, deps);
    return c.json(result, result.duplicate ? 200 : 202);
  };

function requireJson(contentType: string | undefined) {
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/json") {
    throw new RedialError(
      "unsupported_media_type",
      `Send Content-Type: application/json (got ${mediaType || "none"})`,
    );
  }
}

/**
 * Reads at most `limit` bytes. Content-Length only allows an early refusal; the bytes are counted as
 * they arrive, because the header may be absent (chunked) or lie.
 */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const tooLarge = () => new RedialError("too_large", `The body must be at most ${limit} bytes`);
  if (Number(request.headers.get("content-length")) > limit) throw tooLarge();
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Bytes → the event and what reading it left out (an opt-out's unstorable attributes), or a 400 (not
 * JSON) / 422 (not an event, or not storable) that names the position or fields.
 */
export function parseEvent(body: Uint8Array) {
  const read = readEvent(parseJsonBody(body));
  if (!read.ok) throw new RedialError("invalid", "The body is not a valid event; see errors", read.errors);
  return read;
}
