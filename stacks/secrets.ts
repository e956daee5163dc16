/**
 * Secrets, set per stage with `npx sst secret set <Name> <value> --stage prod`.
 * WebhookSecret may hold several space-separated `whsec_…` values while a secret rotates.
 */
export const secrets = {
  webhook: new sst.Secret("WebhookSecret"),
  apiToken: new sst.Secret("ApiToken"),
};
