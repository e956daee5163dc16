/**
 * Salesforce (docs/crm/salesforce.md), two ways in:
 *
 * - Outbound Messages: SOAP 1.1, up to 100 notifications per message, each with its own Id that
 *   Salesforce keeps across redeliveries (for 24 hours), answered `<Ack>true</Ack>` once every
 *   notification is stored (developer.salesforce.com/docs/atlas.en-us.api.meta/api/
 *   sforce_api_om_outboundmessaging_wsdl.htm). Salesforce cannot add a header to them, so the token
 *   rides in the endpoint URL (`?token=`), and the message's OrganizationId must be the configured org.
 * - Flow HTTP callouts: JSON in the shape below, the token in an `X-Redial-Token` header (a Named
 *   Credential's custom header), the org id in the body.
 *
 * Pure: parsing, the org check and the mapping. The token is compared by the route with anySecret().
 */
import * as z from "zod";
import { invalid } from "../errors.ts";
import type { SalesforceSettings } from "./config.ts";
import {
  buildEvent,
  ignored,
  type Mapped,
  matchOutcome,
  noOutcome,
  PROFILE_KEYS,
  type RecordColumns,
  recordKeys,
  unusable,
} from "./map.ts";
import { bodyDigest, unauthenticated } from "./secrets.ts";
import { isoFromText, isRow, type Row, text, textAt } from "./values.ts";
import { child, childrenNamed, parseXml, type XmlElement } from "./xml.ts";

export const SALESFORCE_SOURCE = "salesforce";
const PREFIX = "salesforce:";
/** The prospect id a Salesforce Lead or Contact gets (an import from Salesforce uses it too). */
export const SALESFORCE_PROSPECT_PREFIX = "sf:";

const SOAP_ENVELOPE = "http://schemas.xmlsoap.org/soap/envelope/";
const OUTBOUND = "http://soap.sforce.com/2005/09/outbound";
/** The WSDL's `maxOccurs="100"`. */
export const MAX_NOTIFICATIONS = 100;
const SALESFORCE_ID = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;

/** One notification: the record's type and the fields the outbound message (or Flow) was set to send. */
export interface SalesforceNotification {
  /** The notification's own id: the idempotency key across Salesforce's redeliveries. */
  id: string;
  /** sObject type: Task, Lead, Contact, … */
  type: string;
  fields: Row;
  /** A Flow may send the Lead or Contact a Task is about, for the profile. */
  who?: Row | undefined;
}

export interface SalesforceMessage {
  organizationId: string;
  notifications: SalesforceNotification[];
}

/** The answer Salesforce waits for: anything else, and it redelivers the whole message. */
export const SALESFORCE_ACK = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE}"><soapenv:Body><notificationsResponse xmlns="${OUTBOUND}"><Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>`;

/**
 * An Outbound Message's notifications, or RedialError("malformed") naming what is not as the WSDL
 * says: another envelope, another namespace, no OrganizationId, more than 100 notifications.
 */
export function parseOutboundMessage(xml: string): SalesforceMessage {
  const envelope = parseXml(xml);
  if (envelope.name !== "Envelope" || envelope.ns !== SOAP_ENVELOPE)
    throw invalidShape("the root is not a SOAP 1.1 <Envelope>");
  const body = child(envelope, "Body", SOAP_ENVELOPE);
  const message = child(body, "notifications", OUTBOUND);
  const organizationId = child(message, "OrganizationId", OUTBOUND).text.trim();
  const notifications = childrenNamed(message, "Notification", OUTBOUND);
  if (notifications.length === 0) throw invalidShape("no <Notification>");
  if (notifications.length > MAX_NOTIFICATIONS)
    throw invalidShape(`${notifications.length} notifications; a message has at most ${MAX_NOTIFICATIONS}`);
  return { organizationId, notifications: notifications.map(notification) };
}

function notification(element: XmlElement): SalesforceNotification {
  const id = child(element, "Id", OUTBOUND).text.trim();
  if (!SALESFORCE_ID.test(id))
    throw invalidShape(`notification Id "${id.slice(0, 40)}" is not a Salesforce id`);
  const record = child(element, "sObject", OUTBOUND);
  const xsiType = Object.entries(record.attributes).find(([name]) => name.endsWith(":type"))?.[1] ?? "";
  const type = xsiType.slice(xsiType.indexOf(":") + 1);
  if (!/^\w{1,80}$/.test(type)) throw invalidShape(`notification ${id} has no sObject xsi:type`);
  const fields: Row = {};
  for (const field of record.children) {
    if (field.children.length) throw invalidShape(`field ${field.name} of notification ${id} is not a value`);
    const nil = Object.entries(field.attributes).some(
      ([name, value]) => name.endsWith(":nil") && value === "true",
    );
    fields[field.name] = nil ? null : field.text.trim();
  }
  return { id, type, fields };
}

const invalidShape = (message: string) =>
  invalid(
    `Not a Salesforce Outbound Message: ${message}`,
    new z.ZodError([{ code: "custom", path: [], message, input: undefined }]),
  );

const OrganizationId = z.string().regex(SALESFORCE_ID, "Expected a Salesforce organization id (00D…)");
const FlowNotification = z.object({
  notificationId: z.string().min(1).max(200).optional(),
  sObject: z.looseObject({ type: z.string().regex(/^\w{1,80}$/, "Expected an sObject type such as Task") }),
  who: z.record(z.string(), z.unknown()).optional(),
});
const FlowSingle = FlowNotification.extend({ organizationId: OrganizationId });
const FlowBatch = z.object({
  organizationId: OrganizationId,
  notifications: z.array(FlowNotification).min(1).max(MAX_NOTIFICATIONS),
});

/**
 * A Flow's HTTP callout: one record (`sObject`) or a collection (`notifications`). A Flow sends no id
 * of its own unless told to (`notificationId`); otherwise the record's JSON digest keys it.
 */
export function parseFlowCallout(body: unknown): SalesforceMessage {
  // Two shapes, told apart up front so a refusal names the field, not "no union member matched".
  const batch = isRow(body) && "notifications" in body;
  const parsed = batch ? FlowBatch.safeParse(body) : FlowSingle.safeParse(body);
  if (!parsed.success) throw invalid("Not a Redial Flow callout; see errors", parsed.error);
  const { organizationId } = parsed.data;
  const list = "notifications" in parsed.data ? parsed.data.notifications : [parsed.data];
  return {
    organizationId,
    notifications: list.map(({ notificationId, sObject, who }) => {
      const { type, ...fields } = sObject;
      return {
        id: notificationId ?? `flow:${bodyDigest(JSON.stringify({ sObject, who }))}`,
        type,
        fields,
        who,
      };
    }),
  };
}

/**
 * The message comes from the configured org, or RedialError("unauthenticated"). Ids compare on their
 * first 15 characters: the 18-character form only adds a case-safe suffix.
 */
export function checkOrganization(given: string, configured: string): void {
  if (given.slice(0, 15) !== configured.slice(0, 15))
    throw unauthenticated(`OrganizationId ${given.slice(0, 18)} is not the configured Salesforce org`);
}

const PERSONS = new Set(["Lead", "Contact"]);

/**
 * A Salesforce export (docs/import.md "CRM exports"): API field names as columns, matched without
 * regard to case (Data Loader writes them in capitals). An export with a WhoId column is of Tasks
 * (Events when the Id is 00U…), each about its WhoId; otherwise of Leads (Id 00Q…) or Contacts
 * (003…), each about itself. The date is the record's, as the webhooks read it.
 */
export const SALESFORCE_RECORD: RecordColumns = {
  id: ["WhoId", "Id"],
  date: ["LastModifiedDate", "CreatedDate", "SystemModstamp"],
};

/** An id's key prefix → its sObject type, for a Lead or Contact export (a row does not say which). */
const KEY_PREFIXES: Record<string, string> = { "00Q": "Lead", "003": "Contact" };

/**
 * The 18-character form of a Salesforce id, as Outbound Messages and Flows send it: a report's
 * 15-character id and the webhook's name the same prospect.
 */
export function salesforceId18(id: string): string {
  if (id.length !== 15) return id;
  let suffix = "";
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) if (/[A-Z]/.test(id.charAt(chunk * 5 + i))) bits |= 1 << i;
    suffix += "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345".charAt(bits);
  }
  return id + suffix;
}

/**
 * One row of a Salesforce export as the event the webhooks would have made of the record: the same
 * mapping (`crm.salesforce.outcomes.<type>`), the same prospect id. A row without an id, a date or a
 * mapped value is not one.
 */
export function salesforceRecordEvent(row: Row, settings: SalesforceSettings): Mapped {
  const id = `${PREFIX}export`;
  const keys = recordKeys(row, SALESFORCE_RECORD, isoFromText);
  if ("problem" in keys) return unusable(id, keys.problem);
  const { idColumn, recordId, occurredAt } = keys;
  if (!SALESFORCE_ID.test(recordId))
    return unusable(id, `${idColumn} ${JSON.stringify(recordId.slice(0, 40))} is not a Salesforce id`);
  const type =
    idColumn === "WhoId"
      ? text(row.Id)?.startsWith("00U")
        ? "Event"
        : "Task"
      : KEY_PREFIXES[recordId.slice(0, 3)];
  if (!type)
    return unusable(
      id,
      `Id ${recordId} is neither a Lead (00Q…) nor a Contact (003…); export calls as Tasks, with their WhoId`,
    );
  const outcomes = settings.outcomes[type];
  const matched = matchOutcome(outcomes, (field) => textAt(row, field));
  if (!matched)
    return noOutcome(id, `crm.salesforce.outcomes.${type}`, outcomes, (field) => textAt(row, field));
  const prospectId = `${SALESFORCE_PROSPECT_PREFIX}${salesforceId18(recordId)}`;
  return buildEvent({ id, prospectId, occurredAt, rows: [row], settings, outcome: matched.outcome });
}

/** Every notification of a message, in order, as canonical events under `salesforce:<notification Id>`. */
export function mapSalesforce(input: {
  message: SalesforceMessage;
  settings: SalesforceSettings;
  now: Date;
}): Mapped[] {
  return input.message.notifications.map((n) => mapNotification(n, input.settings, input.now));
}

function mapNotification(n: SalesforceNotification, settings: SalesforceSettings, now: Date): Mapped {
  const id = `${PREFIX}${n.id}`;
  const isPerson = PERSONS.has(n.type);
  // A Task or Event is about its WhoId (a Lead or Contact); a Lead or Contact is about itself.
  const personId = isPerson ? text(n.fields.Id) : text(n.fields.WhoId);
  if (!personId)
    return ignored(
      id,
      isPerson ? `${n.type} without an Id` : `${n.type} without a WhoId (no Lead or Contact)`,
    );
  if (!SALESFORCE_ID.test(personId)) return ignored(id, `${personId} is not a Salesforce id`);
  const rows = n.who ? [n.fields, n.who] : [n.fields];
  const occurredAt =
    SALESFORCE_RECORD.date.map((name) => isoFromText(textAt(n.fields, name))).find(Boolean) ??
    now.toISOString();
  const common = { id, prospectId: `${SALESFORCE_PROSPECT_PREFIX}${personId}`, occurredAt, rows, settings };

  const matched = matchOutcome(settings.outcomes[n.type], (field) => textAt(n.fields, field));
  if (matched) return buildEvent({ ...common, outcome: matched.outcome });
  const profileRows = isPerson ? rows : n.who ? [n.who] : [];
  if (profileRows.some((row) => PROFILE_KEYS.some((key) => textAt(row, settings.fields[key]) !== undefined)))
    return buildEvent({ ...common, outcome: "prospect.updated" });
  return ignored(id, `No mapped field on this ${n.type} (crm.salesforce.outcomes.${n.type})`);
}
