/**
 * The one error mapper: RedialError kinds become RFC 9457 problem+json responses. Anything else is a
 * bug; it is logged through the Log port and answered with a 500 that reveals nothing about it.
 */
import { type ErrorKind, type Log, RedialError } from "@redial/core";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import * as z from "zod";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export const Problem = z
  .object({
    type: z.string().describe("A URI naming the kind of problem: urn:redial:problem:<kind>, or about:blank."),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).describe("One entry per bad field."),
  })
  .describe("RFC 9457 problem details.");
export type Problem = z.infer<typeof Problem>;

const KINDS: Record<ErrorKind, { status: ContentfulStatusCode; title: string }> = {
  malformed: { status: 400, title: "Malformed request" },
  invalid: { status: 422, title: "Invalid request" },
  unauthenticated: { status: 401, title: "Unauthenticated" },
  not_found: { status: 404, title: "Not found" },
  conflict: { status: 409, title: "Conflict" },
  too_large: { status: 413, title: "Payload too large" },
  unsupported_media_type: { status: 415, title: "Unsupported media type" },
  unavailable: { status: 503, title: "Service unavailable" },
};

export function problemOf(error: RedialError): Problem {
  const { status, title } = KINDS[error.kind];
  return {
    type: `urn:redial:problem:${error.kind}`,
    title,
    status,
    detail: error.message,
    errors: error.errors,
  };
}

export function problemResponse(c: Context, problem: Problem, headers: Record<string, string> = {}) {
  return c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, {
    ...headers,
    "content-type": PROBLEM_CONTENT_TYPE,
  });
}

export const onError =
  (log: Log): ErrorHandler =>
  (error, c) => {
    if (error instanceof RedialError) return problemResponse(c, problemOf(error));
    // Hono's own exceptions (a middleware added later) carry a deliberate status; keep it, not the text.
    if (error instanceof HTTPException && error.status < 500) {
      const status = error.status;
      return problemResponse(c, {
        type: "about:blank",
        title: "Request failed",
        status,
        detail: "Request failed",
        errors: [],
      });
    }
    log.error("api.unhandled", {
      method: c.req.method,
      path: c.req.path,
      error: { name: error.name, message: error.message, stack: error.stack },
    });
    return problemResponse(c, {
      type: "about:blank",
      title: "Internal Server Error",
      status: 500,
      detail: "An unexpected error occurred. It has been logged.",
      errors: [],
    });
  };

export const notFound: NotFoundHandler = (c) =>
  problemResponse(c, problemOf(new RedialError("not_found", `No route for ${c.req.method} ${c.req.path}`)));
