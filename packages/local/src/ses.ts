/**
 * The SES v2 local server (`aws-ses-v2-local`): the SES API for the mailer, a web inbox at `/` and
 * the sent mail as JSON at `GET /store`. It runs in this process, so it stops with it.
 *
 * Like SES, it is also the mailbox simulator (mailbox-simulator.ts): mail it accepts for bounce@ or
 * complaint@simulator.amazonses.com comes back as SES events, built from the request it received.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import sesModule from "aws-ses-v2-local";
import { LOCAL_HOST, urlHost } from "./address.ts";
import { ReceivedSend, simulatedEvents } from "./mailbox-simulator.ts";

export interface SesLocal {
  url: string;
  port: number;
  /**
   * The SES events (EventBridge-shaped) the mailbox simulator owes for the mail accepted since the
   * last call, oldest first.
   */
  drainEvents(): unknown[];
  stop(): Promise<void>;
}

type StartServer = typeof sesModule;

/**
 * The package is CommonJS with `exports.default`: Node's ESM loader hands us the whole exports
 * object as the default import, while bundlers (vitest) unwrap it. Accept both.
 */
const startServer: StartServer =
  typeof sesModule === "function" ? sesModule : (sesModule as unknown as { default: StartServer }).default;

/** Listens on `host` (127.0.0.1 when absent); the package's own default is every interface. */
export async function startSesLocal(options: { port: number; host?: string }): Promise<SesLocal> {
  const host = options.host ?? LOCAL_HOST;
  const server = await startServer({ port: options.port, host });
  // Express resolves even when listen failed (it passes the error to the callback), so check.
  if (!server.listening) {
    server.close();
    throw new Error(
      `The SES v2 local server could not listen on port ${options.port} (in use?); set SES_PORT, or 0 for any free port`,
    );
  }
  const port = (server.address() as AddressInfo).port;
  let pending: unknown[] = [];
  onSendEmail(server, (request, messageId) => {
    pending.push(...simulatedEvents(request, messageId, new Date()));
  });
  return {
    url: `http://${urlHost(host)}:${port}`,
    port,
    drainEvents: () => {
      const events = pending;
      pending = [];
      return events;
    },
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

type Listener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Calls `accepted` with each SES v2 SendEmail request the server accepted and the MessageId it
 * answered. The package's store keeps no tags, and SES events carry the request's, so the request is
 * read where the server parsed it: the app's JSON body parser leaves it on `request.body`, and the
 * answer passes through `response.end`, wrapped here before the app sees the response.
 */
function onSendEmail(server: Server, accepted: (request: ReceivedSend, messageId: string) => void): void {
  const app = server.listeners("request") as Listener[];
  server.removeAllListeners("request");
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === "POST" && request.url?.split("?")[0] === "/v2/email/outbound-emails") {
      const end = response.end;
      response.end = function (this: ServerResponse, ...args: unknown[]) {
        const messageId = response.statusCode === 200 ? messageIdOf(args[0]) : undefined;
        const received = ReceivedSend.safeParse((request as { body?: unknown }).body);
        if (messageId && received.success) accepted(received.data, messageId);
        return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
      } as ServerResponse["end"];
    }
    for (const listener of app) listener.call(server, request, response);
  });
}

function messageIdOf(chunk: unknown): string | undefined {
  if (typeof chunk !== "string" && !Buffer.isBuffer(chunk)) return undefined;
  try {
    const { MessageId } = JSON.parse(chunk.toString()) as { MessageId?: unknown };
    return typeof MessageId === "string" ? MessageId : undefined;
  } catch {
    return undefined;
  }
}
