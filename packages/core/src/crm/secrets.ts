/**
 * Comparing what a CRM sent with what Redial was given, in constant time. HMAC via node:crypto, as the
 * unsubscribe tokens already do in core: pure functions of their inputs, no I/O.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { RedialError } from "../errors.ts";

/**
 * Equal strings, compared as SHA-256 digests so that neither the content nor the length of the
 * secret leaks through timing.
 */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Any of `secrets` (several while one rotates). */
export const anySecret = (given: string, secrets: readonly string[]) =>
  secrets.reduce((found, secret) => sameSecret(given, secret) || found, false);

export const unauthenticated = (message: string) => new RedialError("unauthenticated", message);

/** The user and password of an `Authorization: Basic …` header, or undefined when it is not one. */
export function basicCredentials(
  header: string | null | undefined,
): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** A short, stable digest of a body, for deliveries that carry no id of their own (HubSpot workflows). */
export const bodyDigest = (body: string | Uint8Array) =>
  createHash("sha256").update(body).digest("base64url").slice(0, 32);
