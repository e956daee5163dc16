/**
 * Client settings shared by every AWS SDK client Redial makes: the real service in AWS, or a local
 * stand-in (DynamoDB Local, the SES v2 local server) when an endpoint is given.
 */
export interface ClientOptions {
  /** A local stand-in's URL; absent in AWS, where the SDK finds the service and credentials itself. */
  endpoint?: string;
  region?: string;
}

export function clientConfig(options: ClientOptions) {
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint
      ? {
          endpoint: options.endpoint,
          // Local stand-ins check no signature, but the SDK insists on signing: never real keys here.
          region: options.region ?? "local",
          credentials: { accessKeyId: "local", secretAccessKey: "local" },
        }
      : {}),
  };
}
