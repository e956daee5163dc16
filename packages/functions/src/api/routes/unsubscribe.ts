/**
 * /u/{token}: the unsubscribe link every email carries (CONTRACT.md "Unsubscribe", G4, RFC 8058).
 *
 * GET only shows a confirmation page: mail scanners and link previewers fetch every link, so a GET
 * must never unsubscribe. POST unsubscribes at once, whether a mail client sends RFC 8058's one-click
 * `List-Unsubscribe=One-Click` (form-urlencoded or multipart) or a person presses the page's button.
 * The signed token alone says who; the body is not needed, so no body format can make an unsubscribe
 * fail. The address is suppressed for good and every timer cancelled (R0, in decide()).
 *
 * These routes answer people and mail clients, so always HTML, never problem+json: a tampered or
 * malformed token is refused with 400 and a page that says the link is not valid (nothing is read or
 * written). A valid token for a prospect Redial does not store answers 200 too: there is nothing to
 * stop, and nothing is written.
 */
import { applyInternal, RedialError, type UnsubscribeClaim, verifyUnsubscribeToken } from "@redial/core";
import type { Context, Handler } from "hono";
import type { AppDeps } from "../app.ts";

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch,
  );

const HEADERS = {
  "content-type": "text/html; charset=utf-8",
  // The token is in the URL: keep it out of caches, search indexes and other sites' logs.
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-robots-tag": "noindex",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
};

/** A small, plain page; every value in `body` is escaped by the caller. */
function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font:1.125rem/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}button{font:inherit;padding:.5rem 1.25rem;cursor:pointer}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

const html = (c: Context, status: 200 | 400, markup: string) => c.body(markup, status, HEADERS);

const notValid = (c: Context) =>
  html(
    c,
    400,
    page(
      "This link is not valid",
      "<p>This unsubscribe link is incomplete or was changed. Please use the link exactly as it appears in the email, or reply to the email and ask to be removed.</p>",
    ),
  );

/** The claim, or null for a tampered or malformed token. */
function claimOf(key: string, token: string): UnsubscribeClaim | null {
  try {
    return verifyUnsubscribeToken(key, token);
  } catch (error) {
    if (error instanceof RedialError && error.kind === "unauthenticated") return null;
    throw error;
  }
}

/** GET /u/:token: asks; changes nothing and reads nothing but the token. */
export const unsubscribePage =
  (key: string): Handler =>
  (c) => {
    const claim = claimOf(key, c.req.param("token") ?? "");
    if (!claim) return notValid(c);
    // No `action`: the form posts back to this very URL, whatever path prefix a proxy put before it.
    return html(
      c,
      200,
      page(
        "Unsubscribe",
        `<p>Stop all emails to <strong>${escapeHtml(claim.email)}</strong>?</p>
<form method="post">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button>
</form>`,
      ),
    );
  };

/** POST /u/:token: unsubscribes at once (RFC 8058 one-click, or the page's button). Idempotent. */
export const unsubscribe =
  (deps: AppDeps, key: string): Handler =>
  async (c) => {
    const claim = claimOf(key, c.req.param("token") ?? "");
    if (!claim) return notValid(c);
    const decision = await applyInternal(
      claim.prospectId,
      { type: "email.unsubscribed", occurredAt: deps.clock.now().toISOString(), email: claim.email },
      deps,
    );
    // A prospect no longer stored still gets its address suppressed: every opt-out is honoured (R0).
    if (!decision) await deps.store.addSuppression(claim.email, "R0", deps.clock.now());
    return html(
      c,
      200,
      page(
        "You're unsubscribed",
        `<p>You will get no more emails at <strong>${escapeHtml(claim.email)}</strong>.</p>`,
      ),
    );
  };
