/**
 * The Notifier port over HTTP (issue 4): one JSON POST per delivery to the CRM's URL, signed with
 * Standard Webhooks exactly as Redial expects its own inbound events (CONTRACT.md), so a CRM can
 * verify both directions with one library. Any failure throws; core retries and dead-letters.
 */
import { type Notifier, type WebhookDelivery, webhookBody } from "@redial/core";
import { decodeSecret, webhookHeaders } from "../api/webhook-signature.ts";

export interface HttpNotifierOptions {
  url: string;
  /** `whsec_<base64>`. */
  secret: string;
  /** Per attempt; default 10 s. A slow receiver is a failed attempt, retried with backoff. */
  timeoutMs?: number;
  /** Unix seconds for `webhook-timestamp`: the wall clock, never the dev clock (receivers check it). */
  wallSeconds?: () => number;
}

/** At most this much of a refusing receiver's answer goes on the timeline. */
const MAX_DETAIL = 200;

export class HttpNotifier implements Notifier {
  readonly #options: HttpNotifierOptions;

  constructor(options: HttpNotifierOptions) {
    decodeSecret(options.secret); // a bad secret fails at start-up, not on every delivery
    this.#options = options;
  }

  async deliver(delivery: WebhookDelivery): Promise<void> {
    const { url, secret, timeoutMs = 10_000 } = this.#options;
    const body = JSON.stringify(webhookBody(delivery));
    const timestamp = this.#options.wallSeconds?.() ?? Math.floor(Date.now() / 1000);
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: {
          ...webhookHeaders({ id: delivery.webhookId, body, secret, timestamp }),
          "user-agent": "Redial-Webhooks/1",
        },
        body,
        // A redirect is the receiver's misconfiguration; following it would turn the POST into a GET.
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new Error(describe(error, timeoutMs));
    }
    const text = await response.text().catch(() => "");
    if (response.status < 200 || response.status > 299) {
      const detail = text.trim().slice(0, MAX_DETAIL);
      throw new Error(`The CRM answered HTTP ${response.status}${detail ? `: ${detail}` : ""}`);
    }
  }
}

function describe(error: unknown, timeoutMs: number): string {
  const { name, message, cause } = error as Error & { cause?: unknown };
  if (name === "TimeoutError" || name === "AbortError") return `No answer within ${timeoutMs / 1000} s`;
  // undici says "fetch failed" and puts the reason (ECONNREFUSED, ENOTFOUND, …) in `cause`.
  const reason = cause instanceof Error ? cause.message : "";
  return reason ? `${message}: ${reason}` : message;
}
