/**
 * The variables that come from SST links in AWS, and the linked resource and property each is read
 * from (`Resource.<resource>.<property>` in the function). A secret linked is encrypted into the
 * function's bundle (resource.enc) instead of sitting in its environment, where the Lambda console
 * and GetFunctionConfiguration show it to anyone allowed to read the function. No imports: stacks/
 * links these resources by the same names.
 */
import type { Variable } from "./parts.ts";

export const LINKED = {
  REDIAL_TABLE_NAME: { resource: "Table", property: "name" },
  /** One Linkable joining every /v1/events secret (the main one and one per source), space-separated. */
  REDIAL_WEBHOOK_SECRET: { resource: "WebhookSecrets", property: "value" },
  REDIAL_API_TOKEN: { resource: "ApiToken", property: "value" },
  REDIAL_UNSUBSCRIBE_KEY: { resource: "UnsubscribeKey", property: "value" },
  REDIAL_CRM_WEBHOOK_SECRET: { resource: "CrmWebhookSecret", property: "value" },
  REDIAL_HUBSPOT_SECRET: { resource: "HubspotSecret", property: "value" },
  REDIAL_SALESFORCE_SECRET: { resource: "SalesforceSecret", property: "value" },
  REDIAL_PIPEDRIVE_PASSWORD: { resource: "PipedrivePassword", property: "value" },
} as const satisfies Partial<Record<Variable, { resource: string; property: string }>>;

export type LinkedVariable = keyof typeof LINKED;
export type LinkedResource = (typeof LINKED)[LinkedVariable]["resource"];

/**
 * The environment with the linked resources' values over it: `resources` is what SST's `Resource`
 * holds (link name → properties). A resource that is not linked leaves its variable as it was.
 */
export function withLinks(
  env: Record<string, string | undefined>,
  resources: object,
): Record<string, string | undefined> {
  const linked: Record<string, string> = {};
  for (const [variable, { resource, property }] of Object.entries(LINKED)) {
    // `in` first: SST's Resource throws on reading a name that is not linked.
    if (!(resource in resources)) continue;
    const properties: unknown = Reflect.get(resources, resource);
    const value =
      typeof properties === "object" && properties ? Reflect.get(properties, property) : undefined;
    if (typeof value === "string") linked[variable] = value;
  }
  return { ...env, ...linked };
}
