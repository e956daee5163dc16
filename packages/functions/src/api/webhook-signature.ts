/**
 * Standard Webhooks (https://www.standardwebhooks.com) signing and verification, pure: the caller
 * passes the clock reading, so tests need dates, not mocks. See CONTRACT.md "Inbound events".
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { RedialError } from "@redial/core";

/** How far `webhook-timestamp` may be from now, either way, before a delivery counts as a replay. */
export const TOLERANCE_SECONDS = 300;

const SECRET_PREFIX = "whsec_";
// Padding optional: some generators drop it, and Buffer decodes either way.
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** A webhook id becomes a key in the store; bound it and keep it printable. */
const WEBHOOK_ID = /^[\x21-\x7e]{1,256}$/;

/** The HMAC key of a `whsec_<base64>` secret. Throws a plain Error: a bad secret is a configuration bug. */
export function decodeSecret(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : "";
  if (!encoded || !BASE64.test(encoded))
    throw new Error(`A webhook secret must look like ${SECRET_PREFIX}<base64>`);
  return Buffer.from(encoded, "base64");
}

const sign = (key: Buffer, id: string, timestamp: string, body: string | Uint8Array) =>
  // The body is hashed as the bytes that arrived: re-serialised JSON would not match the sender's.
  createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest();

/** The `webhook-signature` header value for one delivery. Used by tests, the README snippet, bench and e2e. */
export function signWebhook(input: {
  id: string;
  timestamp: number | string;
  body: string | Uint8Array;
  secret: string;
}) {
  return `v1,${sign(decodeSecret(input.secret), input.id, String(input.timestamp), input.body).toString("base64")}`;
}

/**
 * The three Standard Webhooks headers (and the JSON content type) of one delivery, signed now by the
 * wall clock unless `timestamp` says otherwise: what a CRM sends, for the CLI, tests and the bench.
 */
export function webhookHeaders(input: {
  id: string;
  body: string | Uint8Array;
  secret: string;
  timestamp?: number;
}): Record<string, string> {
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    "content-type": "application/json",
    "webhook-id": input.id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signWebhook({ id: input.id, timestamp, body: input.body, secret: input.secret }),
  };
}

export interface WebhookHeaders {
  id: string | null | undefined;
  timestamp: string | null | undefined;
  signatureHeader: string | null | undefined;
}

/**
 * Throws RedialError("unauthenticated") unless one `v1,` entry of the header is the signature of
 * the raw body under one of `secrets` (several during rotation) and the timestamp is fresh.
 * Returns the webhook id, the idempotency key of the delivery.
 */
export function verifyWebhook(
  input: WebhookHeaders & { rawBody: string | Uint8Array; secrets: readonly string[]; nowSeconds: number },
): string {
  const { id, timestamp, signatureHeader } = input;
  if (!id) throw unauthenticated("Missing webhook-id header");
  if (!WEBHOOK_ID.test(id)) throw unauthenticated("webhook-id must be 1-256 printable ASCII characters");
  if (!timestamp) throw unauthenticated("Missing webhook-timestamp header");
  if (!/^\d{1,12}$/.test(timestamp)) throw unauthenticated("webhook-timestamp must be Unix seconds");
  if (!signatureHeader) throw unauthenticated("Missing webhook-signature header");

  const skew = Number(timestamp) - input.nowSeconds;
  if (skew < -TOLERANCE_SECONDS) {
    throw unauthenticated(`webhook-timestamp is ${-skew} s old; at most ${TOLERANCE_SECONDS} s is accepted`);
  }
  if (skew > TOLERANCE_SECONDS) {
    throw unauthenticated(
      `webhook-timestamp is ${skew} s in the future; at most ${TOLERANCE_SECONDS} s is accepted`,
    );
  }

  // Other versions (e.g. v1a, asymmetric) may sit beside v1 entries; they are skipped, not rejected.
  const candidates = signatureHeader
    .split(" ")
    .filter((entry) => entry.startsWith("v1,"))
    .map((entry) => Buffer.from(entry.slice(3), "base64"));
  if (candidates.length === 0) throw unauthenticated("webhook-signature has no v1,<base64> entry");

  for (const secret of input.secrets) {
    const expected = sign(decodeSecret(secret), id, timestamp, input.rawBody);
    // timingSafeEqual needs equal lengths; the length of a signature is no secret.
    if (candidates.some((given) => given.length === expected.length && timingSafeEqual(given, expected)))
      return id;
  }
  throw unauthenticated(
    "No webhook-signature entry matches: wrong secret, or the body or headers were changed",
  );
}

const unauthenticated = (message: string) => new RedialError("unauthenticated", message);
