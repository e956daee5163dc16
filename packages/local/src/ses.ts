/**
 * The SES v2 local server (`aws-ses-v2-local`): the SES API for the mailer, a web inbox at `/` and
 * the sent mail as JSON at `GET /store`. It runs in this process, so it stops with it.
 */
import type { AddressInfo } from "node:net";
import sesModule from "aws-ses-v2-local";
import { LOCAL_HOST, urlHost } from "./address.ts";

export interface SesLocal {
  url: string;
  port: number;
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
  return {
    url: `http://${urlHost(host)}:${port}`,
    port,
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
