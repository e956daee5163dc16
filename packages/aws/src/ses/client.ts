/**
 * The SES v2 client Redial sends with: AWS's in the cloud, the SES v2 local server on a laptop.
 */
import { SESv2Client } from "@aws-sdk/client-sesv2";

export interface SesClientOptions {
  /** The SES v2 local server's URL (`aws-ses-v2-local`); absent in AWS. */
  endpoint?: string;
  region?: string;
}

export function createSesClient(options: SesClientOptions = {}): SESv2Client {
  return new SESv2Client({
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint
      ? {
          endpoint: options.endpoint,
          // The local server only wants an AWS-style Authorization header; never real keys here.
          region: options.region ?? "local",
          credentials: { accessKeyId: "local", secretAccessKey: "local" },
        }
      : {}),
  });
}
