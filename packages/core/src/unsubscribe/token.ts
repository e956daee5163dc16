/**
 * Unsubscribe tokens (CONTRACT.md, RFC 8058): the prospect and address, HMAC-SHA256-signed with the
 * team's unsubscribe key, so a link cannot be forged or pointed at someone else. No expiry: an
 * unsubscribe link must keep working for as long as the email exists.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { RedialError } from "../errors.ts";

export interface UnsubscribeClaim {
  prospectId: string;
  email: string;
}

const mac = (key: string, payload: string) => createHmac("sha256", key).update(payload).digest("base64url");

export function signUnsubscribeToken(key: string, claim: UnsubscribeClaim): string {
  const payload = Buffer.from(JSON.stringify({ p: claim.prospectId, e: claim.email.toLowerCase() })).toString(
    "base64url",
  );
  return `${payload}.${mac(key, payload)}`;
}

/** The claim inside a token, or RedialError("unauthenticated") for a tampered or malformed one. */
export function verifyUnsubscribeToken(key: string, token: string): UnsubscribeClaim {
  const refused = () => new RedialError("unauthenticated", "This unsubscribe link is not valid");
  const [payload, signature, extra] = token.split(".");
  if (!payload || !signature || extra !== undefined) throw refused();
  const expected = Buffer.from(mac(key, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw refused();
  try {
    const { p, e } = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      p?: unknown;
      e?: unknown;
    };
    if (typeof p !== "string" || typeof e !== "string") throw refused();
    return { prospectId: p, email: e };
  } catch {
    throw refused();
  }
}
