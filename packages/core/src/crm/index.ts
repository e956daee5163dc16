/**
 * The CRM adapters (issue 7): per CRM, verifying its own authentication and mapping its payload to
 * canonical events. Pure; the HTTP route (packages/functions/src/api/routes/sources.ts) reads the
 * request and applies each event through ingest(), exactly as POST /v1/events does.
 */
export * from "./config.ts";
export {
  HUBSPOT_MAX_AGE_MS,
  HUBSPOT_SOURCE,
  mapHubSpot,
  signatureUri,
  signHubSpot,
  verifyHubSpot,
} from "./hubspot.ts";
export { buildEvent, type Mapped, matchOutcome } from "./map.ts";
export { mapPipedrive, PIPEDRIVE_SOURCE } from "./pipedrive.ts";
export {
  checkOrganization,
  MAX_NOTIFICATIONS,
  mapSalesforce,
  parseFlowCallout,
  parseOutboundMessage,
  SALESFORCE_ACK,
  SALESFORCE_SOURCE,
  type SalesforceMessage,
  type SalesforceNotification,
} from "./salesforce.ts";
export { anySecret, basicCredentials, bodyDigest, sameSecret } from "./secrets.ts";
export { parseXml, type XmlElement } from "./xml.ts";

/** Largest CRM delivery: a Salesforce message of 100 notifications, or a HubSpot record with every property. */
export const MAX_SOURCE_BYTES = 1024 * 1024;
