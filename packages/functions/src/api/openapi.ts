/**
 * GET /openapi.json: OpenAPI 3.1 generated from the zod schemas the handlers validate with, so the
 * document cannot drift from the code. OpenAPI 3.1 schemas are JSON Schema 2020-12, zod's default.
 */
import {
  EXPORT_COLUMNS,
  InboundEvent,
  IngestResult,
  Profile,
  Prospect,
  QueueEntry,
  TimelineEntry,
} from "@redial/core";
import * as z from "zod";
import { PROBLEM_CONTENT_TYPE, Problem } from "./problem.ts";
import { CallQueuePage, CallQueueQuery } from "./routes/call-queue.ts";
import { ExportQuery } from "./routes/exports.ts";
import { ImportQuery, ImportReport } from "./routes/imports.ts";
import { ProspectView } from "./routes/prospects.ts";
import { SOURCES, SourceDelivery } from "./routes/sources.ts";
import { NewSuppression, Suppression, SuppressionPage, SuppressionsQuery } from "./routes/suppressions.ts";

type JsonObject = Record<string, unknown>;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/**
 * Request bodies are rendered as input (unknown fields allowed: CONTRACT.md says they are ignored),
 * responses as output (exactly the fields Redial sends).
 */
function componentSchemas() {
  const inputs = z.registry<{ id: string }>();
  inputs.add(InboundEvent, { id: "InboundEvent" });
  inputs.add(NewSuppression, { id: "NewSuppression" });
  const outputs = z.registry<{ id: string }>();
  outputs.add(IngestResult, { id: "IngestResult" });
  outputs.add(Problem, { id: "Problem" });
  outputs.add(Prospect, { id: "Prospect" });
  outputs.add(Profile, { id: "Profile" });
  outputs.add(QueueEntry, { id: "QueueEntry" });
  outputs.add(TimelineEntry, { id: "TimelineEntry" });
  outputs.add(ProspectView, { id: "ProspectView" });
  outputs.add(CallQueuePage, { id: "CallQueuePage" });
  outputs.add(Suppression, { id: "Suppression" });
  outputs.add(SuppressionPage, { id: "SuppressionPage" });
  outputs.add(SourceDelivery, { id: "SourceDelivery" });
  outputs.add(ImportReport, { id: "ImportReport" });
  const uri = (id: string) => ref(id).$ref;
  const all = {
    ...z.toJSONSchema(inputs, { io: "input", uri }).schemas,
    ...z.toJSONSchema(outputs, { io: "output", uri }).schemas,
  };
  // Components are embedded in the document; their own $schema/$id would only confuse tools.
  return Object.fromEntries(Object.entries(all).map(([id, { $schema, $id, ...schema }]) => [id, schema]));
}

/** Query parameters from the same schema the handler parses them with. */
function queryParameters(schema: z.ZodObject) {
  const json = z.toJSONSchema(schema, { io: "input" }) as {
    properties?: Record<string, JsonObject>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, { description, ...property }]) => ({
    name,
    in: "query",
    required: json.required?.includes(name) ?? false,
    ...(description ? { description } : {}),
    schema: property,
  }));
}

const json = (description: string, id: string) => ({
  description,
  content: { "application/json": { schema: ref(id) } },
});
const problem = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ref("Problem") } },
});
const unauthenticated = problem("Missing or wrong bearer token (with WWW-Authenticate: Bearer).");
const htmlPage = (description: string) => ({
  description,
  content: { "text/html": { schema: { type: "string" } } },
});

const unsubscribeToken = {
  name: "token",
  in: "path",
  required: true,
  description: "The HMAC-signed token from the email's List-Unsubscribe link.",
  schema: { type: "string", minLength: 1 },
};

const webhookHeaders = [
  {
    name: "webhook-id",
    in: "header",
    required: true,
    description: "Unique per delivery: the idempotency key, remembered for at least 72 hours.",
    schema: { type: "string", minLength: 1, maxLength: 256 },
  },
  {
    name: "webhook-timestamp",
    in: "header",
    required: true,
    description: "Unix seconds. More than 300 s away from now is rejected.",
    schema: { type: "string", pattern: "^[0-9]+$" },
  },
  {
    name: "webhook-signature",
    in: "header",
    required: true,
    description:
      "Standard Webhooks: space-separated `v1,<base64>` entries, each an HMAC-SHA256 keyed with the " +
      "base64-decoded part of a `whsec_<base64>` secret, over `<webhook-id>.<webhook-timestamp>.<raw body>`. " +
      "Any one valid entry passes, so secrets can rotate.",
    schema: { type: "string" },
  },
];

function buildDocument(): JsonObject {
  return {
    openapi: "3.1.0",
    info: {
      title: "Redial",
      version: "0.1.0",
      description:
        "Playbook-driven follow-up and lead-recycle scheduler for B2B sales teams. See CONTRACT.md.",
    },
    security: [{ bearer: [] }],
    paths: {
      "/v1/events": {
        post: {
          operationId: "postEvent",
          summary: "A CRM reports a call outcome or a prospect change (signed webhook, no bearer token).",
          security: [],
          parameters: webhookHeaders,
          requestBody: { required: true, content: { "application/json": { schema: ref("InboundEvent") } } },
          responses: {
            "200": json(
              "A webhook-id seen before: the first answer again, with duplicate: true.",
              "IngestResult",
            ),
            "202": json(
              "Decided; applied: false with a reason when older than the last applied event (G6).",
              "IngestResult",
            ),
            "400": problem("The body is not valid JSON."),
            "401": problem("Missing, malformed, wrong or expired signature."),
            "413": problem("The body is larger than 64 KiB."),
            "415": problem("Content-Type is not application/json."),
            "422": problem("Not a valid event; `errors` names each field."),
          },
        },
      },
      "/v1/sources/{source}/events": {
        post: {
          operationId: "postSourceEvent",
          summary: "A CRM's own webhook, verified its own way and mapped to canonical events (docs/crm/).",
          description:
            "hubspot: an app webhook batch or a workflow's webhook, X-HubSpot-Signature-v3 (client secret, " +
            "timestamp at most 5 minutes old). salesforce: a Flow HTTP callout (JSON, X-Redial-Token header) or " +
            "an Outbound Message (SOAP, ?token=, OrganizationId checked), answered with <Ack>true</Ack> once " +
            "every notification is stored. pipedrive: webhooks v1 or v2 with HTTP Basic auth. generic: " +
            "POST /v1/events. Each CRM event is ingested under `<source>:<its own id>`, so redeliveries are " +
            "duplicates. The playbook's `crm:` section says which field or value becomes which event.",
          security: [],
          parameters: [
            { name: "source", in: "path", required: true, schema: { type: "string", enum: [...SOURCES] } },
          ],
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: { description: "The CRM's own payload." } },
              "text/xml": {
                schema: { type: "string", description: "Salesforce Outbound Message (SOAP 1.1)." },
              },
            },
          },
          responses: {
            "200": {
              description:
                "Every CRM event applied, a duplicate, ignored (not mapped) or skipped (not a valid event). " +
                "For a Salesforce Outbound Message: the SOAP acknowledgement.",
              content: {
                "application/json": { schema: ref("SourceDelivery") },
                "text/xml": { schema: { type: "string" } },
              },
            },
            "400": problem("The body is not valid JSON or XML."),
            "401": problem(
              "Wrong or missing signature, token or credentials; expired timestamp; another org.",
            ),
            "404": problem("No such source."),
            "413": problem("The body is larger than 1 MiB."),
            "415": problem("Not the content type this CRM sends."),
            "422": problem("Not this CRM's payload; `errors` names each field."),
            "503": problem(
              "This CRM's credentials are not configured (the CRM retries), or the store is down.",
            ),
          },
        },
      },
      "/v1/imports": {
        post: {
          operationId: "postImport",
          summary:
            "Bulk import of past calls (CSV or NDJSON, up to 100,000 rows): each row a canonical event " +
            "applied with its own occurredAt, oldest first per prospect. Invalid rows are reported by line " +
            "and skipped; a re-sent file changes nothing. CSV columns are the event's fields as dotted " +
            "paths (type, occurredAt, reason, prospect.id, prospect.email, …; docs/import.md).",
          parameters: queryParameters(ImportQuery),
          requestBody: {
            required: true,
            content: {
              "text/csv": { schema: { type: "string" } },
              "application/x-ndjson": { schema: { type: "string" } },
            },
          },
          responses: {
            "200": json("Every row applied, recorded, a duplicate, invalid or failed.", "ImportReport"),
            "400": problem("The header is not a CSV row."),
            "401": unauthenticated,
            "413": problem("Larger than 64 MiB or more than 100,000 rows."),
            "415": problem("Content-Type is not text/csv or application/x-ndjson."),
            "422": problem("No rows, a header with unknown or missing columns, or a bad query parameter."),
          },
        },
      },
      "/v1/prospects/{id}": {
        get: {
          operationId: "getProspect",
          summary: "Profile, state, counters, pending timers and the full timeline.",
          parameters: [
            {
              name: "id",
              in: "path",
              required: true,
              schema: { type: "string", minLength: 1, maxLength: 200 },
            },
          ],
          responses: {
            "200": json("The prospect and its timeline.", "ProspectView"),
            "401": unauthenticated,
            "404": problem("No such prospect."),
          },
        },
      },
      "/v1/call-queue": {
        get: {
          operationId: "getCallQueue",
          summary: "Due callbacks and recycles, oldest first, with context and prompts.",
          parameters: queryParameters(CallQueueQuery),
          responses: {
            "200": json("One page of the queue.", "CallQueuePage"),
            "401": unauthenticated,
            "422": problem("A query parameter is not valid."),
          },
        },
      },
      "/v1/exports/recycled": {
        get: {
          operationId: "getRecycledExport",
          summary:
            "The weekly export on demand: prospects that entered the call queue in one ISO week, as CSV.",
          parameters: queryParameters(ExportQuery),
          responses: {
            "200": {
              description: `RFC 4180 CSV, UTF-8, header row: ${EXPORT_COLUMNS.join(", ")}.`,
              content: { "text/csv": { schema: { type: "string" } } },
            },
            "401": unauthenticated,
            "422": problem("Not an ISO week such as 2026-W48, or another parameter is not valid."),
            "503": problem("The store is unavailable; retry later."),
          },
        },
      },
      "/v1/suppressions": {
        get: {
          operationId: "listSuppressions",
          summary: "The suppression list (G1): addresses Redial never emails, ordered by address.",
          parameters: queryParameters(SuppressionsQuery),
          responses: {
            "200": json("One page of the list.", "SuppressionPage"),
            "401": unauthenticated,
            "422": problem("A query parameter is not valid."),
          },
        },
        post: {
          operationId: "addSuppression",
          summary: "Suppresses an address by hand.",
          requestBody: { required: true, content: { "application/json": { schema: ref("NewSuppression") } } },
          responses: {
            "201": json(
              "Suppressed (an address already on the list gets this reason and date).",
              "Suppression",
            ),
            "400": problem("The body is not valid JSON."),
            "401": unauthenticated,
            "413": problem("The body is larger than 4 KiB."),
            "415": problem("Content-Type is not application/json."),
            "422": problem("Not a valid email address or reason; `errors` names each field."),
          },
        },
      },
      "/v1/suppressions/{email}": {
        delete: {
          operationId: "removeSuppression",
          summary: "Takes an address off the suppression list. The prospect's state does not change.",
          parameters: [
            {
              name: "email",
              in: "path",
              required: true,
              description: "The address, percent-encoded; compared trimmed and lower-cased.",
              schema: { type: "string", minLength: 1 },
            },
          ],
          responses: {
            "204": { description: "Removed." },
            "401": unauthenticated,
            "404": problem("The address is not on the list."),
          },
        },
      },
      "/u/{token}": {
        get: {
          operationId: "unsubscribePage",
          summary: "The confirmation page behind an email's unsubscribe link. Changes nothing.",
          description:
            "Mail scanners follow links, so a GET never unsubscribes: the page has a button that POSTs.",
          security: [],
          parameters: [unsubscribeToken],
          responses: {
            "200": htmlPage("A page asking to confirm, with an Unsubscribe button."),
            "400": htmlPage("The token was tampered with or is malformed."),
            "404": problem("Unsubscribe links are not configured (no REDIAL_UNSUBSCRIBE_KEY)."),
          },
        },
        post: {
          operationId: "unsubscribe",
          summary:
            "RFC 8058 one-click unsubscribe: suppresses the address for good and stops every timer (R0).",
          description:
            "The body is `List-Unsubscribe=One-Click` (form-urlencoded or multipart) from a mail client, the " +
            "confirmation page's form, or empty: the signed token alone says who. Idempotent. A valid token " +
            "for a prospect Redial does not store answers 200 and writes nothing.",
          security: [],
          parameters: [unsubscribeToken],
          requestBody: {
            required: false,
            content: {
              "application/x-www-form-urlencoded": {
                schema: {
                  type: "object",
                  properties: { "List-Unsubscribe": { const: "One-Click" } },
                },
              },
            },
          },
          responses: {
            "200": htmlPage("Unsubscribed (or already unsubscribed)."),
            "400": htmlPage("The token was tampered with or is malformed; nothing is written."),
            "404": problem("Unsubscribe links are not configured (no REDIAL_UNSUBSCRIBE_KEY)."),
          },
        },
      },
      "/health": {
        get: {
          operationId: "health",
          summary: "Liveness.",
          security: [],
          responses: {
            "200": {
              description: "Up.",
              content: {
                "application/json": {
                  schema: { type: "object", properties: { status: { const: "ok" } }, required: ["status"] },
                },
              },
            },
          },
        },
      },
      "/openapi.json": {
        get: {
          operationId: "openapi",
          summary: "This document.",
          security: [],
          responses: { "200": { description: "OpenAPI 3.1.", content: { "application/json": {} } } },
        },
      },
    },
    components: {
      schemas: componentSchemas(),
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "REDIAL_API_TOKEN." } },
    },
  };
}

let document: JsonObject | undefined;

/** Built on first request, not at cold start: most invocations never ask for it. */
export const openApiDocument = () => {
  document ??= buildDocument();
  return document;
};
