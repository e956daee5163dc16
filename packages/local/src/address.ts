/**
 * The address the local runtime listens on (CONTRACT.md "The local runtime's address"). Its API, SES
 * inbox and DynamoDB Local take credentials printed in the README, so by default nothing beyond this
 * machine can reach them; REDIAL_HOST opens them up deliberately (0.0.0.0 for every interface).
 */
import { isIP } from "node:net";

export const LOCAL_HOST = "127.0.0.1";

/**
 * REDIAL_HOST, checked before anything starts: an IP address, not a name, so Node, Express and Java
 * cannot each resolve it to a different interface (`localhost` is ::1 on some machines, 127.0.0.1 on
 * others).
 */
export function localHost(value: string | undefined): string {
  if (value === undefined || value === "") return LOCAL_HOST;
  if (isIP(value) === 0)
    throw new Error(
      `REDIAL_HOST must be an IP address, like 127.0.0.1 (the default) or 0.0.0.0 for every interface (got ${JSON.stringify(value)})`,
    );
  return value;
}

/** The host part of a URL that reaches `host` from this machine: a wildcard is reached over loopback. */
export function urlHost(host: string): string {
  if (host === "0.0.0.0") return LOCAL_HOST;
  if (host === "::") return "[::1]";
  return isIP(host) === 6 ? `[${host}]` : host;
}
