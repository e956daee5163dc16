/**
 * Redial's one error vocabulary. Core and adapters throw these; only the HTTP layer turns a kind into
 * a status code (packages/functions/src/api/problem.ts). Anything else that escapes is a bug: it is
 * logged and answered with a bare 500 that reveals nothing.
 */
import type { z } from "zod";

export type ErrorKind =
  | "malformed" // the body is not what it claims to be (invalid JSON)
  | "invalid" // well-formed but breaks the schema or a rule
  | "unauthenticated"
  | "not_found"
  | "conflict" // lost a race after every retry
  | "too_large"
  | "unsupported_media_type"
  | "unavailable"; // a dependency is down or throttling: retry later

export interface FieldError {
  path: string;
  message: string;
}

export class RedialError extends Error {
  override readonly name = "RedialError";
  readonly kind: ErrorKind;
  readonly errors: FieldError[];
  constructor(kind: ErrorKind, message: string, errors: FieldError[] = []) {
    super(message);
    this.kind = kind;
    this.errors = errors;
  }
}

/** Dotted path as a reader would write it: `prospect.owner.email`, `steps[2].template`. */
export const formatPath = (path: readonly PropertyKey[]) =>
  path.reduce<string>(
    (out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    "",
  );

export const fieldErrors = (error: z.ZodError): FieldError[] =>
  error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));

export const invalid = (message: string, error: z.ZodError) =>
  new RedialError("invalid", message, fieldErrors(error));
