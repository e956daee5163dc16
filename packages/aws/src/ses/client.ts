/**
 * The SES v2 client Redial sends with: AWS's in the cloud, the SES v2 local server on a laptop.
 */
import { SESv2Client, type SESv2ClientConfig } from "@aws-sdk/client-sesv2";
import { type ClientOptions, clientConfig } from "../endpoint.ts";

export interface SesClientOptions extends ClientOptions {
  /** Base of the jittered backoff between tries of a throttled send; default 1,000 ms (tests shorten it). */
  retryBaseDelayMs?: number;
}

export function createSesClient(options: SesClientOptions = {}): SESv2Client {
  return new SESv2Client({
    ...clientConfig(options),
    retryStrategy: sendOnceRetry(options.retryBaseDelayMs),
  });
}

/** Tries per request, the first included. */
const MAX_ATTEMPTS = 3;
/** Connections that never opened: the request cannot have reached SES. */
const NEVER_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

type RetryStrategyV2 = Extract<NonNullable<SESv2ClientConfig["retryStrategy"]>, { recordSuccess: unknown }>;
type RetryToken = Awaited<ReturnType<RetryStrategyV2["acquireInitialRetryToken"]>>;

/**
 * SES has no idempotency key (ARCHITECTURE.md "At-most-once email"), so a SendEmail tried again after
 * SES may have accepted it sends the email twice. The SDK's default strategy retries HTTP 5xx answers,
 * reset connections and timeouts, each of which can follow an accepted email. This one retries only
 * what SES cannot have sent: a throttled or over-quota answer (SES refused it) and a connection that
 * never opened. Anything else reaches the email runner, which records "unknown" and never re-sends.
 */
export function sendOnceRetry(baseDelayMs = 1_000): RetryStrategyV2 {
  const token = (count: number, delay: number): RetryToken => ({
    getRetryCount: () => count,
    getRetryDelay: () => delay,
  });
  return {
    acquireInitialRetryToken: async () => token(0, 0),
    refreshRetryTokenForRetry: async (previous, info) => {
      const count = previous.getRetryCount() + 1;
      const code = (info.error as { code?: string } | undefined)?.code ?? "";
      const unsent = info.errorType === "THROTTLING" || NEVER_SENT.has(code);
      // Throwing tells the SDK not to retry: it then throws the request's own error.
      if (!unsent || count >= MAX_ATTEMPTS) throw new Error("SES send not retried");
      return token(count, Math.floor(Math.random() * Math.min(20_000, baseDelayMs * 2 ** (count - 1))));
    },
    recordSuccess: () => {},
  };
}
