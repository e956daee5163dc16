/**
 * The suppression list (CONTRACT.md "Operator API"): addresses Redial never emails (G1). Opt-outs
 * (R0) and hard bounces (R11) land here through their decisions; an operator can list it, add an
 * address by hand, or take one off (e.g. a bounce that was the mailbox provider's mistake).
 */
import { invalid, parseJsonBody, RedialError } from "@redial/core";
import type { Handler } from "hono";
import * as z from "zod";
import type { AppDeps } from "../app.ts";
import { readBody } from "./events.ts";

const MAX_BODY_BYTES = 4096;
/** The longest address a prospect may have (ProspectInput.email). */
const MAX_EMAIL_LENGTH = 320;

export const SuppressionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).optional().describe("From the previous page's `cursor`."),
});

export const Suppression = z.object({
  email: z.string().describe("Trimmed and lower-cased."),
  reason: z
    .string()
    .describe("Why: the rule that suppressed it (R0 opt-out, R11 hard bounce) or an operator's reason."),
  at: z.string().describe("When it was first suppressed (UTC)."),
});

export const SuppressionPage = z.object({
  items: z.array(Suppression).describe("Ordered by address."),
  cursor: z.string().nullable().describe("Pass it back for the next page; null on the last page."),
});

export const NewSuppression = z.object({
  email: z.email().max(254).describe("Stored lower-cased."),
  reason: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .default("operator")
    .describe("Free text; `operator` when absent."),
});

const normalize = (email: string) => email.trim().toLowerCase();

export const listSuppressions =
  (deps: Pick<AppDeps, "store">): Handler =>
  async (c) => {
    const parsed = SuppressionsQuery.safeParse(c.req.query());
    if (!parsed.success) throw invalid("The query is not valid; see errors", parsed.error);
    const { limit, cursor } = parsed.data;
    const page = await deps.store.listSuppressions({ limit, ...(cursor ? { cursor } : {}) });
    return c.json({ items: page.items, cursor: page.cursor ?? null });
  };

export const addSuppression =
  (deps: Pick<AppDeps, "store" | "clock">): Handler =>
  async (c) => {
    const mediaType = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (mediaType !== "application/json") {
      throw new RedialError(
        "unsupported_media_type",
        `Send Content-Type: application/json (got ${mediaType || "none"})`,
      );
    }
    const body = await readBody(c.req.raw, MAX_BODY_BYTES);
    const parsed = NewSuppression.safeParse(parseJsonBody(body));
    if (!parsed.success) throw invalid("The body is not a valid suppression; see errors", parsed.error);
    const email = normalize(parsed.data.email);
    const at = deps.clock.now();
    await deps.store.addSuppression(email, parsed.data.reason, at);
    return c.json({ email, reason: parsed.data.reason, at: at.toISOString() }, 201);
  };

export const removeSuppression =
  (deps: Pick<AppDeps, "store">): Handler =>
  async (c) => {
    const email = normalize(c.req.param("email") ?? "");
    // Only prospects' addresses are ever suppressed (at most MAX_EMAIL_LENGTH); a longer one is not on
    // the list, and DynamoDB would refuse it as a key.
    const storable = email.length > 0 && [...email].length <= MAX_EMAIL_LENGTH;
    if (!storable || !(await deps.store.removeSuppression(email))) {
      throw new RedialError("not_found", `${JSON.stringify(email)} is not on the suppression list`);
    }
    return c.body(null, 204);
  };
