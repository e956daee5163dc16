/**
 * POST /v1/sources/{source}/events: a CRM's own webhook (docs/crm/). Each CRM is authenticated its own
 * way and its payload mapped to canonical events by the pure adapters in core (packages/core/src/crm);
 * every event then goes through ingest() exactly as a POST /v1/events does, under the CRM's own event
 * id (`hubspot:<eventId>`, `salesforce:<notification Id>`, `pipedrive:<meta.id>`), so a redelivery is
 * a duplicate for as long as the receipt lives (7 days, RECEIPT_TTL_SECONDS; the CRMs retry for at
 * most 24 h (Salesforce) or 72 h (HubSpot, Pipedrive)). Everything that can refuse a delivery runs
 * before the first write, so nothing is written for any 4xx.
 *
 * A CRM with no credentials configured answers 503, not 404: the route exists and the CRM was pointed
 * at it on purpose, the missing secret is this deployment's fault, and a 5xx is what makes HubSpot
 * (3 days), Salesforce (24 h) and Pipedrive retry, so nothing is lost while the secret is being set.
 * An unknown source name is a 404. `generic` is POST /v1/events (Standard Webhooks) under this path.
 */
// Not yet re-exported by @redial/core's index (packages/core/src/index.ts is not this route's to edit).
import {
  anySecret,
  basicCredentials,
  checkOrganization,
  type IngestResult,
  ingest,
  type Log,
  MAX_SOURCE_BYTES,
  type Mapped,
  mapHubSpot,
  mapPipedrive,
  mapSalesforce,
  parseFlowCallout,
  parseJsonBody,
  parseOutboundMessage,
  RedialError,
  SALESFORCE_ACK,
  sameSecret,
  verifyHubSpot,
} from "@redial/core";
import type { Context, Handler } from "hono";
import * as z from "zod";
import { type CrmSources, loadCrmSources } from "../../config/index.ts";
import type { AppDeps } from "../app.ts";
import { postEvent, readBody } from "./events.ts";

/** The app's ports; without `crm`, the CRMs' credentials are read once from the environment. */
export type SourceDeps = AppDeps;

export const SOURCES = ["hubspot", "salesforce", "pipedrive", "generic"] as const;

const ItemStatus = z.enum(["applied", "duplicate", "ignored", "skipped"]);

/** The answer to a JSON CRM delivery: one entry per CRM event in it, in order. */
export const SourceDelivery = z
  .object({
    source: z.string(),
    received: z.number().int().describe("CRM events or notifications in the delivery."),
    applied: z.number().int().describe("Canonical events decided now (applied or recorded under G6)."),
    duplicates: z
      .number()
      .int()
      .describe("Seen before under the same CRM id: the first answer, nothing new."),
    ignored: z.number().int().describe("Nothing Redial maps (another property, object or action)."),
    skipped: z.number().int().describe("Mapped, but not a valid canonical event; see errors. Not retried."),
    items: z.array(
      z.object({
        id: z.string().describe("The idempotency key: <source>:<the CRM's own event id>."),
        status: ItemStatus,
        type: z.string().optional().describe("The canonical event type it was mapped to."),
        result: z.unknown().optional().describe("The IngestResult, as POST /v1/events answers it."),
        reason: z.string().optional(),
        errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
        warnings: z.array(z.string()).optional(),
      }),
    ),
  })
  .describe("What became of each CRM event of one delivery.");
export type SourceDelivery = z.infer<typeof SourceDelivery>;
type Item = SourceDelivery["items"][number];

type Receiver = (c: Context, deps: SourceDeps, sources: CrmSources) => Promise<Response>;

export const postSourceEvent = (deps: SourceDeps): Handler => {
  let sources = deps.crm;
  const generic = postEvent(deps);
  const receivers: Record<string, Receiver> = {
    hubspot: receiveHubSpot,
    salesforce: receiveSalesforce,
    pipedrive: receivePipedrive,
  };
  return async (c, next) => {
    const source = c.req.param("source") ?? "";
    if (source === "generic") return generic(c, next);
    const receive = receivers[source];
    if (!receive) throw new RedialError("not_found", `No source "${source}"; known: ${SOURCES.join(", ")}`);
    sources ??= loadCrmSources();
    return receive(c, deps, sources);
  };
};

const receiveHubSpot: Receiver = async (c, deps, sources) => {
  const hubspot = sources.hubspot ?? notConfigured("hubspot", "REDIAL_HUBSPOT_SECRET");
  requireMediaType(c, ["application/json"]);
  const body = await readBody(c.req.raw, MAX_SOURCE_BYTES);
  verifyHubSpot({
    method: c.req.method,
    uris: signedUrls(c, sources.publicUrl),
    rawBody: body,
    signature: c.req.header("x-hubspot-signature-v3"),
    timestamp: c.req.header("x-hubspot-request-timestamp"),
    secrets: hubspot.secrets,
    // The wall clock, as for /v1/events: a moved dev clock must not expire HubSpot's timestamps.
    nowMs: deps.wallClock.now().getTime(),
  });
  const items = mapHubSpot({
    body: parseJsonBody(body),
    rawBody: body,
    settings: deps.playbook.crm.hubspot,
    now: deps.clock.now(),
  });
  return c.json(await deliver("hubspot", items, deps), 200);
};

/**
 * An Outbound Message (text/xml) is acknowledged only after every notification is stored: a lost Ack
 * costs a redelivery, which the notification ids make a duplicate; an early Ack could lose events. A
 * Flow callout (application/json) gets the JSON summary.
 */
const receiveSalesforce: Receiver = async (c, deps, sources) => {
  const salesforce =
    sources.salesforce ??
    notConfigured("salesforce", "REDIAL_SALESFORCE_SECRET and REDIAL_SALESFORCE_ORG_ID");
  const mediaType = requireMediaType(c, ["text/xml", "application/json"]);
  // Outbound Messages cannot carry a header: their token is in the endpoint URL. Checked before the body is read.
  const token = c.req.header("x-redial-token") ?? c.req.query("token");
  if (!token)
    throw new RedialError("unauthenticated", "Missing X-Redial-Token header or token query parameter");
  if (!anySecret(token, salesforce.secrets))
    throw new RedialError("unauthenticated", "Wrong Salesforce token");
  const body = await readBody(c.req.raw, MAX_SOURCE_BYTES);
  const message =
    mediaType === "text/xml" ? parseOutboundMessage(decodeUtf8(body)) : parseFlowCallout(parseJsonBody(body));
  checkOrganization(message.organizationId, salesforce.organizationId);
  const items = mapSalesforce({ message, settings: deps.playbook.crm.salesforce, now: deps.clock.now() });
  const delivery = await deliver("salesforce", items, deps);
  if (mediaType === "application/json") return c.json(delivery, 200);
  return c.body(SALESFORCE_ACK, 200, { "content-type": "text/xml; charset=utf-8" });
};

/**
 * Pipedrive signs nothing: the webhook's HTTP Basic credentials are the authentication, checked before
 * the body is read. One event per delivery, answered well inside Pipedrive's 10 s: one read and one
 * transaction.
 */
const receivePipedrive: Receiver = async (c, deps, sources) => {
  const pipedrive =
    sources.pipedrive ?? notConfigured("pipedrive", "REDIAL_PIPEDRIVE_USER and REDIAL_PIPEDRIVE_PASSWORD");
  const given = basicCredentials(c.req.header("authorization"));
  if (!given) throw new RedialError("unauthenticated", "Missing or malformed Authorization: Basic header");
  // Both compared, always: which of the two was wrong is not told by the time it takes.
  const user = sameSecret(given.user, pipedrive.user);
  const password = sameSecret(given.password, pipedrive.password);
  if (!user || !password) throw new RedialError("unauthenticated", "Wrong Pipedrive webhook credentials");
  requireMediaType(c, ["application/json"]);
  const body = await readBody(c.req.raw, MAX_SOURCE_BYTES);
  const item = mapPipedrive({ body: parseJsonBody(body), settings: deps.playbook.crm.pipedrive });
  return c.json(await deliver("pipedrive", [item], deps), 200);
};

const notConfigured = (source: string, variables: string): never => {
  throw new RedialError(
    "unavailable",
    `The ${source} source is not configured: set ${variables} (docs/crm/${source}.md). Retry later.`,
  );
};

/** The URL as it arrived and, when REDIAL_PUBLIC_URL is set, as the CRM called it through a proxy. */
function signedUrls(c: Context, publicUrl: string | undefined): string[] {
  const url = new URL(c.req.url);
  return publicUrl
    ? [c.req.url, `${publicUrl.replace(/\/+$/, "")}${url.pathname}${url.search}`]
    : [c.req.url];
}

function requireMediaType(c: Context, accepted: readonly string[]): string {
  const mediaType = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (!accepted.includes(mediaType)) {
    throw new RedialError(
      "unsupported_media_type",
      `Send Content-Type: ${accepted.join(" or ")} (got ${mediaType || "none"})`,
    );
  }
  return mediaType;
}

export function decodeUtf8(body: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw new RedialError("malformed", "The body is not valid UTF-8");
  }
}

/** Prospects whose events are applied side by side; one prospect's events go one after another. */
const PARALLEL_PROSPECTS = 8;

/**
 * Applies every mapped event through ingest() and says what became of each item. One prospect's events
 * keep their delivery order (G6 compares them); different prospects run a few at a time, so a
 * Salesforce message of 100 notifications answers in a fraction of its timeout. A store failure
 * fails the delivery (5xx) after the other prospects have finished: the CRM retries, and what was
 * applied is a duplicate then.
 */
export async function deliver(
  source: string,
  mapped: readonly Mapped[],
  deps: SourceDeps,
): Promise<SourceDelivery> {
  const items: Item[] = mapped.map((item) =>
    item.kind === "event"
      ? { id: item.id, status: "applied", type: item.event.type }
      : {
          id: item.id,
          status: item.kind,
          reason: item.reason,
          ...(item.kind === "skipped" ? { errors: item.errors } : {}),
        },
  );
  const byProspect = new Map<string, number[]>();
  mapped.forEach((item, index) => {
    if (item.kind !== "event") return;
    const queue = byProspect.get(item.event.prospect.id) ?? [];
    queue.push(index);
    byProspect.set(item.event.prospect.id, queue);
  });
  const queues = [...byProspect.values()];
  const worker = async () => {
    for (let queue = queues.shift(); queue; queue = queues.shift()) {
      for (const index of queue)
        items[index] = await applyOne(mapped[index] as Extract<Mapped, { kind: "event" }>, deps);
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: PARALLEL_PROSPECTS }, worker));
  const failed = settled.find((outcome) => outcome.status === "rejected");
  if (failed) throw failed.reason;

  const count = (status: Item["status"]) => items.filter((item) => item.status === status).length;
  const delivery: SourceDelivery = {
    source,
    received: items.length,
    applied: count("applied"),
    duplicates: count("duplicate"),
    ignored: count("ignored"),
    skipped: count("skipped"),
    items,
  };
  logDelivery(deps.log, delivery);
  return delivery;
}

async function applyOne(item: Extract<Mapped, { kind: "event" }>, deps: SourceDeps): Promise<Item> {
  const warnings = item.warnings.length ? { warnings: item.warnings } : {};
  try {
    const result: IngestResult = await ingest({ webhookId: item.id, event: item.event }, deps);
    return {
      id: item.id,
      status: result.duplicate ? "duplicate" : "applied",
      type: item.event.type,
      result,
      ...warnings,
    };
  } catch (error) {
    // A refusal of this one event (occurredAt a day ahead) is the CRM's data, not a reason to refuse
    // the others: skipped, like an event the schema refuses. Anything else fails the delivery.
    if (!(error instanceof RedialError) || error.kind !== "invalid") throw error;
    return {
      id: item.id,
      status: "skipped",
      type: item.event.type,
      reason: error.message,
      errors: error.errors,
      ...warnings,
    };
  }
}

function logDelivery(log: Log, delivery: SourceDelivery) {
  const { items, ...counts } = delivery;
  log.info("crm.delivery", counts);
  for (const item of items) {
    if (item.status === "skipped")
      log.warn("crm.skipped", {
        source: delivery.source,
        id: item.id,
        reason: item.reason,
        errors: item.errors,
      });
    else if (item.warnings)
      log.warn("crm.warnings", { source: delivery.source, id: item.id, warnings: item.warnings });
  }
}
