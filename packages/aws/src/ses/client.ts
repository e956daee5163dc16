/**
 * The SES v2 client Redial sends with: AWS's in the cloud, the SES v2 local server on a laptop.
 */
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { type ClientOptions, clientConfig } from "../endpoint.ts";

export type SesClientOptions = ClientOptions;

export function createSesClient(options: SesClientOptions = {}): SESv2Client {
  return new SESv2Client(clientConfig(options));
}
