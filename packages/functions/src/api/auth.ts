/** Bearer-token guard for the operator routes (CONTRACT.md "Operator API"). */
import { createHash, timingSafeEqual } from "node:crypto";
import { RedialError } from "@redial/core";
import type { MiddlewareHandler } from "hono";
import { problemOf, problemResponse } from "./problem.ts";

// Hashing first gives equal-length inputs, so the compare time says nothing about the token, not even its length.
const digest = (value: string) => createHash("sha256").update(value).digest();

export function bearerAuth(apiToken: string): MiddlewareHandler {
  const expected = digest(apiToken);
  return async (c, next) => {
    const match = /^Bearer +(\S+) *$/i.exec(c.req.header("authorization") ?? "");
    const given = match?.[1];
    if (given && timingSafeEqual(digest(given), expected)) return next();
    const error = new RedialError(
      "unauthenticated",
      given ? "The bearer token is not valid" : "Send Authorization: Bearer <token> (REDIAL_API_TOKEN)",
    );
    // RFC 9110 wants a challenge on every 401; it is answered here because only this guard knows the scheme.
    return problemResponse(c, problemOf(error), { "www-authenticate": 'Bearer realm="redial"' });
  };
}
