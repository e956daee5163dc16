/**
 * POST /v1/events: a signed CRM webhook (CONTRACT.md "Inbound events"). Every check that can refuse
 * the delivery runs before ingest(), so nothing is written for any 4xx. The order is the cheapest
 * refusal first, and the signature before any parsing of what an unauthenticated sender wrote.
 */
import { InboundEvent, ingest, invalid, MAX_EVENT_BYTES, RedialError } from "@redial/core";
import type { Handler } from "hono";
import type { AppDeps } from "../app.ts";
import { verifyWebhook } from "../webhook-signature.ts";

/** A CRM's clock may run a little fast; a day ahead is not a clock, it is a wrong field. */
const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

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
    const event = parseEvent(body, deps.clock.now());
    const result = await ingest({ webhookId, event }, deps);
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

/** Bytes → InboundEvent, or a 400 (not JSON) / 422 (not an event) that names the position or fields. */
export function parseEvent(body: Uint8Array, now: Date): InboundEvent {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw new RedialError("malformed", "The body is not valid UTF-8");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const at = jsonErrorOffset(text);
    const line = text.slice(0, at).split("\n").length;
    const column = at - text.lastIndexOf("\n", at - 1);
    const found =
      at < text.length ? `unexpected ${JSON.stringify(text.charAt(at))}` : "unexpected end of input";
    const message = `${found} at position ${at} (line ${line}, column ${column})`;
    throw new RedialError("malformed", `The body is not valid JSON: ${message}`, [{ path: "", message }]);
  }
  const parsed = InboundEvent.safeParse(json);
  if (!parsed.success) throw invalid("The body is not a valid event; see errors", parsed.error);
  if (Date.parse(parsed.data.occurredAt) > now.getTime() + MAX_FUTURE_MS) {
    const message = `More than 24 hours after now (${now.toISOString()})`;
    throw new RedialError("invalid", `occurredAt is in the future: ${message}`, [
      { path: "occurredAt", message },
    ]);
  }
  return parsed.data;
}

const WS = /[ \t\n\r]*/y;
// A JSON string: no raw control characters, only JSON's escapes.
const CHARS = String.raw`(?:[ !#-[\]-\u{10ffff}]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*`;
const SCALAR = new RegExp(
  String.raw`"${CHARS}"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null`,
  "uy",
);
const KEY = new RegExp(String.raw`"${CHARS}"[ \t\n\r]*:`, "uy");
/** The valid part of a string (a key: up to its colon; a bad escape: up to the letter after `\`). */
const STRING_PREFIX = new RegExp(String.raw`"${CHARS}(?:"[ \t\n\r]*|\\)?`, "uy");

/**
 * Where the first JSON syntax error is, for the 400 answer: V8's JSON.parse names a position for some
 * errors only. An explicit stack instead of recursion, so 64 KiB of `[` cannot overflow the call stack.
 * Only called after JSON.parse failed, so it needs to find the error, not to build anything.
 */
export function jsonErrorOffset(text: string): number {
  const closers: string[] = [];
  let i = 0;
  const stop = () => {
    if (text.charAt(i) !== '"') return i;
    STRING_PREFIX.lastIndex = i;
    STRING_PREFIX.test(text);
    return STRING_PREFIX.lastIndex;
  };
  const eat = (pattern: RegExp) => {
    pattern.lastIndex = i;
    if (!pattern.test(text)) return false;
    i = pattern.lastIndex;
    return true;
  };
  for (;;) {
    // A value is expected at i.
    eat(WS);
    const open = text.charAt(i);
    if (open === "{" || open === "[") {
      const close = open === "{" ? "}" : "]";
      i++;
      eat(WS);
      if (text.charAt(i) === close) i++;
      else {
        closers.push(close);
        if (close === "}" && !eat(KEY)) return stop();
        continue;
      }
    } else if (!eat(SCALAR)) return stop();
    // A value ended at i: close containers, or expect `,` and the next member.
    for (;;) {
      eat(WS);
      const close = closers.at(-1);
      if (close === undefined) return i; // the text's end if the value was all there was
      const next = text.charAt(i);
      if (next === close) {
        closers.pop();
        i++;
        continue;
      }
      if (next !== ",") return i;
      i++;
      if (close === "}") {
        eat(WS);
        if (!eat(KEY)) return stop();
      }
      break;
    }
  }
}
