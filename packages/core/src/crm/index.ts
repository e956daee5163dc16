/**
 * The CRM adapters (issue 7): per CRM, verifying its own authentication and mapping its payload to
 * canonical events. Pure; the HTTP route (packages/functions/src/api/routes/sources.ts) reads the
 * request and applies each event through ingest(), exactly as POST /v1/events does.
 */
import { HUBSPOT_PROSPECT_PREFIX } from "./hubspot.ts";
import { PIPEDRIVE_PROSPECT_PREFIX } from "./pipedrive.ts";
import { SALESFORCE_PROSPECT_PREFIX } from "./salesforce.ts";

export * from "./config.ts";
export {
  HUBSPOT_MAX_AGE_MS,
  HUBSPOT_PROSPECT_PREFIX,
  HUBSPOT_RECORD,
  HUBSPOT_SOURCE,
  hubspotRecordEvent,
  mapHubSpot,
  signatureUri,
  signHubSpot,
  verifyHubSpot,
} from "./hubspot.ts";
export { buildEvent, type Mapped, matchOutcome, type RecordColumns } from "./map.ts";
export {
  mapPipedrive,
  PIPEDRIVE_PROSPECT_PREFIX,
  PIPEDRIVE_RECORD,
  PIPEDRIVE_SOURCE,
  pipedriveRecordEvent,
} from "./pipedrive.ts";
export {
  checkOrganization,
  MAX_NOTIFICATIONS,
  mapSalesforce,
  parseFlowCallout,
  parseOutboundMessage,
  SALESFORCE_ACK,
  SALESFORCE_PROSPECT_PREFIX,
  SALESFORCE_RECORD,
  SALESFORCE_SOURCE,
  type SalesforceMessage,
  type SalesforceNotification,
  salesforceId18,
  salesforceRecordEvent,
} from "./salesforce.ts";
export { anySecret, basicCredentials, bodyDigest, sameSecret } from "./secrets.ts";
export { parseXml, type XmlElement } from "./xml.ts";

/** Largest CRM delivery: a Salesforce message of 100 notifications, or a HubSpot record with every property. */
export const MAX_SOURCE_BYTES = 1024 * 1024;

/** The prospect id prefix each CRM's webhooks use, so a bulk import from that CRM lands on the same prospects. */
export const CRM_PROSPECT_PREFIX = {
  hubspot: HUBSPOT_PROSPECT_PREFIX,
  salesforce: SALESFORCE_PROSPECT_PREFIX,
  pipedrive: PIPEDRIVE_PROSPECT_PREFIX,
} as const;
export type CrmSource = keyof typeof CRM_PROSPECT_PREFIX;
