/**
 * HubSpot (docs/crm/hubspot.md): app webhooks (a JSON array of up to 100 events) and the workflow
 * action "Send a webhook" (one JSON object: the enrolled record, or the keys the workflow chose),
 * both signed with X-HubSpot-Signature-v3. Pure: the caller passes the clock reading and the URLs.
 *
 * Signature (developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests, v3):
 * base64(HMAC-SHA256(client secret, method + URI + body + X-HubSpot-Request-Timestamp)), the
 * timestamp in epoch milliseconds and refused when older than 5 minutes.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import * as z from "zod";
import { invalid } from "../errors.ts";
import type { HubSpotSettings } from "./config.ts";
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
import { isoFromAny, isoFromMillis, isRow, type Row, text, textAt } from "./values.ts";

export const HUBSPOT_SOURCE = "hubspot";
/** HubSpot: "reject the request if the timestamp is older than 5 minutes". A clock ahead by as much is refused too. */
export const HUBSPOT_MAX_AGE_MS = 5 * 60_000;
const PREFIX = "hubspot:";
/** The prospect id a HubSpot contact gets (an import from HubSpot uses it too). */
export const HUBSPOT_PROSPECT_PREFIX = PREFIX;

/** HubSpot decodes these percent-encoded characters of the URI before it signs (v3 instructions). */
const DECODED: Record<string, string> = {
  "%3A": ":",
  "%2F": "/",
  "%3F": "?",
  "%40": "@",
  "%21": "!",
  "%24": "$",
  "%27": "'",
  "%28": "(",
  "%29": ")",
  "%2A": "*",
  "%2C": ",",
  "%3B": ";",
};
export const signatureUri = (url: string) =>
  url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (code) => DECODED[code.toUpperCase()] ?? code);

const mac = (secret: string, method: string, uri: string, body: string | Uint8Array, timestamp: string) =>
  createHmac("sha256", secret)
    .update(`${method.toUpperCase()}${signatureUri(uri)}`)
    .update(body)
    .update(timestamp)
    .digest();

/** The X-HubSpot-Signature-v3 value HubSpot would send: for tests, fixtures and the docs. */
export const signHubSpot = (input: {
  secret: string;
  method: string;
  uri: string;
  body: string | Uint8Array;
  timestamp: string | number;
}) => mac(input.secret, input.method, input.uri, input.body, String(input.timestamp)).toString("base64");

/**
 * Throws RedialError("unauthenticated") unless the v3 signature of the raw body matches under one of
 * `secrets` for one of `uris` (the URL as it arrived, and as the public URL says it is: behind API
 * Gateway or a tunnel the two can differ) and the timestamp is fresh.
 */
export function verifyHubSpot(input: {
  method: string;
  uris: readonly string[];
  rawBody: string | Uint8Array;
  signature: string | null | undefined;
  timestamp: string | null | undefined;
  secrets: readonly string[];
  nowMs: number;
}): void {
  const { signature, timestamp } = input;
  if (!signature) throw unauthenticated("Missing X-HubSpot-Signature-v3 header");
  if (!timestamp) throw unauthenticated("Missing X-HubSpot-Request-Timestamp header");
  if (!/^\d{1,15}$/.test(timestamp))
    throw unauthenticated("X-HubSpot-Request-Timestamp must be epoch milliseconds");
  const age = input.nowMs - Number(timestamp);
  if (age > HUBSPOT_MAX_AGE_MS)
    throw unauthenticated(
      `X-HubSpot-Request-Timestamp is ${Math.round(age / 1000)} s old; at most 300 s is accepted`,
    );
  if (-age > HUBSPOT_MAX_AGE_MS)
    throw unauthenticated(
      `X-HubSpot-Request-Timestamp is ${Math.round(-age / 1000)} s in the future; at most 300 s is accepted`,
    );
  const given = Buffer.from(signature.trim(), "base64");
  for (const secret of input.secrets) {
    for (const uri of new Set(input.uris)) {
      const expected = mac(secret, input.method, uri, input.rawBody, timestamp);
      if (given.length === expected.length && timingSafeEqual(given, expected)) return;
    }
  }
  throw unauthenticated(
    "X-HubSpot-Signature-v3 does not match: wrong app secret, a changed body, or a different URL than the one HubSpot called",
  );
}

/** One event of an app webhook delivery (developers.hubspot.com/docs/api/webhooks, "Webhook payloads"). */
const AppEvent = z.looseObject({
  eventId: z.union([z.number().int(), z.string().min(1).max(100)]),
  subscriptionType: z.string().min(1),
  occurredAt: z.number().int().positive(),
  objectId: z.union([z.number().int(), z.string().min(1).max(100)]).optional(),
  objectTypeId: z.string().optional(),
  propertyName: z.string().optional(),
  propertyValue: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
});
type AppEvent = z.infer<typeof AppEvent>;
const AppEvents = z.array(AppEvent).min(1).max(1000);

/**
 * Every item of one HubSpot delivery, in order. An array is an app webhook batch; an object is a
 * workflow's webhook. Anything else is not from HubSpot: a 422 naming the problem, nothing written.
 */
export function mapHubSpot(input: {
  body: unknown;
  rawBody: string | Uint8Array;
  settings: HubSpotSettings;
  now: Date;
}): Mapped[] {
  const { body, settings } = input;
  if (Array.isArray(body)) {
    const parsed = AppEvents.safeParse(body);
    if (!parsed.success) throw invalid("Not a HubSpot webhook batch; see errors", parsed.error);
    return parsed.data.map((event) => mapAppEvent(event, settings));
  }
  if (isRow(body)) return [mapWorkflow(body, input.rawBody, settings, input.now)];
  throw invalid(
    "A HubSpot body is an array of webhook events or a workflow's JSON object",
    new z.ZodError([{ code: "custom", path: [], message: "Expected an array or an object", input: body }]),
  );
}

const CONTACT_TYPE_ID = "0-1";

function mapAppEvent(event: AppEvent, settings: HubSpotSettings): Mapped {
  const id = `${PREFIX}${event.eventId}`;
  const isContact = event.subscriptionType.startsWith("contact.") || event.objectTypeId === CONTACT_TYPE_ID;
  if (!isContact) {
    return ignored(
      id,
      `${event.subscriptionType} is not about a contact: an app webhook does not say which contact a call or deal belongs to (send those from a workflow)`,
    );
  }
  const contactId = text(event.objectId);
  if (!contactId) return ignored(id, `${event.subscriptionType} has no objectId`);
  const occurredAt = isoFromMillis(event.occurredAt) as string;
  const common = { id, prospectId: `${HUBSPOT_PROSPECT_PREFIX}${contactId}`, occurredAt, settings };

  const byType = settings.events[event.subscriptionType];
  if (byType) return buildEvent({ ...common, outcome: byType, rows: [] });

  const property = event.propertyName;
  if (!property || !event.subscriptionType.endsWith("propertyChange"))
    return ignored(id, `${event.subscriptionType} is not mapped (crm.hubspot.events)`);
  const row: Row = { [property]: event.propertyValue };
  const matched = matchOutcome(settings.outcomes, (field) =>
    field === property ? text(event.propertyValue) : undefined,
  );
  if (matched) return buildEvent({ ...common, outcome: matched.outcome, rows: [row] });
  if (PROFILE_KEYS.some((key) => settings.fields[key] === property))
    return buildEvent({ ...common, outcome: "prospect.updated", rows: [row] });
  return ignored(
    id,
    `${property} = ${JSON.stringify(event.propertyValue)} is not mapped (crm.hubspot.outcomes)`,
  );
}

/** When a flat record happened: the call's activity date, else the record's last change. */
const WORKFLOW_DATES = ["hs_timestamp", "hs_lastmodifieddate"] as const;

/**
 * A HubSpot export (docs/import.md "CRM exports"): property internal names as columns. The prospect
 * is `contactId` when the export has it (calls, each with its contact's Record ID), else the record's
 * own `hs_object_id` (contacts). The date is the workflow's, then `lastmodifieddate` (the name the
 * contacts API gives a contact's last change).
 */
export const HUBSPOT_RECORD: RecordColumns = {
  id: ["contactId", "hs_object_id"],
  date: [...WORKFLOW_DATES, "lastmodifieddate"],
};

/** The event a flat record (property → value) stands for, if one of its values is mapped. */
function outcomeEvent(
  row: Row,
  common: { id: string; contactId: string; occurredAt: string; settings: HubSpotSettings },
): Mapped | undefined {
  const matched = matchOutcome(common.settings.outcomes, (field) => textAt(row, field));
  if (!matched) return undefined;
  const { id, contactId, occurredAt, settings } = common;
  const prospectId = `${HUBSPOT_PROSPECT_PREFIX}${contactId}`;
  return buildEvent({ id, prospectId, occurredAt, settings, rows: [row], outcome: matched.outcome });
}

/**
 * One row of a HubSpot export as the event the webhooks would have made of it: the same mapping
 * (`crm.hubspot`), the same prospect id. A row without an id, a date or a mapped value is not one.
 */
export function hubspotRecordEvent(row: Row, settings: HubSpotSettings): Mapped {
  const id = `${PREFIX}export`;
  const keys = recordKeys(row, HUBSPOT_RECORD, isoFromAny);
  if ("problem" in keys) return unusable(id, keys.problem);
  const event = outcomeEvent(row, { id, contactId: keys.recordId, occurredAt: keys.occurredAt, settings });
  return event ?? noOutcome(id, "crm.hubspot.outcomes", settings.outcomes, (field) => textAt(row, field));
}

/**
 * A workflow's "Send a webhook": either every property of the enrolled record (`properties`, each a
 * value or `{ "value": … }`) or the keys the workflow was told to send. The contact is `contactId`
 * when sent (a call-based workflow must send it), else the enrolled record itself. A workflow carries
 * no event id; a retry sends the same bytes, so the body's digest is the idempotency key.
 */
function mapWorkflow(body: Row, rawBody: string | Uint8Array, settings: HubSpotSettings, now: Date): Mapped {
  const id = `${PREFIX}wf:${bodyDigest(rawBody)}`;
  const { properties, ...top } = body;
  const row: Row = { ...top };
  if (isRow(properties)) {
    for (const [name, value] of Object.entries(properties))
      row[name] = isRow(value) && "value" in value ? value.value : value;
  }
  const contactId =
    text(row.contactId) ??
    text(body.vid) ??
    text(body["canonical-vid"]) ??
    text(row.hs_object_id) ??
    text(body.objectId);
  if (!contactId || contactId.length > 190)
    return {
      kind: "skipped",
      id,
      reason: "No contact: send contactId (the contact's record ID) in the workflow's request body",
      errors: [{ path: "contactId", message: "Required" }],
    };
  const occurredAt =
    WORKFLOW_DATES.map((name) => isoFromAny(textAt(row, name))).find(Boolean) ?? now.toISOString();
  const matched = outcomeEvent(row, { id, contactId, occurredAt, settings });
  if (matched) return matched;
  if (PROFILE_KEYS.some((key) => textAt(row, settings.fields[key]) !== undefined))
    return buildEvent({
      id,
      prospectId: `${HUBSPOT_PROSPECT_PREFIX}${contactId}`,
      occurredAt,
      settings,
      rows: [row],
      outcome: "prospect.updated",
    });
  return ignored(id, "No mapped property in the workflow's body (crm.hubspot.outcomes, crm.hubspot.fields)");
}
