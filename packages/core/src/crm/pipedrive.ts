/**
 * Pipedrive (docs/crm/pipedrive.md): general webhooks, v1 (`current`/`previous`, `meta.object`,
 * `added`/`updated`/`deleted`) and v2 (`data`/`previous`, `meta.entity`, `create`/`change`/`delete`,
 * a unique `meta.id`), as https://pipedrive.readme.io/docs/webhooks-v2-migration-guide shows them.
 * Authenticated with HTTP Basic credentials set on the webhook (Pipedrive does not sign); the route
 * compares them with sameSecret(). Pipedrive waits 10 s for a 2xx and bans a webhook that keeps
 * failing, so a delivery is one event, mapped here without I/O.
 *
 * A webhook fires on every change of a record; an outcome counts only when this delivery made it:
 * the record was created, or the mapped field changed (for an activity: and it is done, or was just
 * marked done). Editing the title of a lost deal does not reject its person again.
 */
import * as z from "zod";
import { invalid } from "../errors.ts";
import type { CrmOutcome, PipedriveSettings } from "./config.ts";
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
import { has, isoFromMillis, isoFromText, isRow, plainText, type Row, read, text, textAt } from "./values.ts";

export const PIPEDRIVE_SOURCE = "pipedrive";
const PREFIX = "pipedrive:";
/** The prospect id a Pipedrive person gets (an import from Pipedrive uses it too). */
export const PIPEDRIVE_PROSPECT_PREFIX = "pd:";

const Id = z.union([z.string().min(1).max(100), z.number().int()]);
const Timestamp = z.union([z.string().min(1), z.number()]);
const Fields = z.record(z.string(), z.unknown()).nullable().optional();

const V2 = z.object({
  meta: z.looseObject({
    version: z.string().startsWith("2"),
    action: z.string().min(1),
    entity: z.string().min(1),
    id: Id,
    timestamp: Timestamp,
    entity_id: Id.optional(),
  }),
  data: Fields,
  previous: Fields,
});
const V1 = z.object({
  meta: z.looseObject({
    action: z.string().min(1),
    object: z.string().min(1),
    timestamp: z.number(),
    id: Id.nullable().optional(),
    webhook_id: Id.optional(),
    timestamp_milli: z.number().optional(),
    timestamp_micro: z.number().optional(),
  }),
  current: Fields,
  previous: Fields,
});

/** One Pipedrive delivery, whichever version: what changed, when, and under which id. */
interface Change {
  key: string;
  action: "create" | "change" | "delete" | string;
  entity: string;
  occurredAt: string;
  data: Row | null;
  previous: Row | null;
}

const V1_ACTIONS: Record<string, Change["action"]> = {
  added: "create",
  updated: "change",
  merged: "change",
  deleted: "delete",
};

function changeOf(body: unknown): Change {
  const version =
    isRow(body) && isRow(body.meta) ? String(body.meta.version ?? body.meta.v ?? body.v ?? "") : "";
  if (version.startsWith("2")) {
    const parsed = V2.safeParse(body);
    if (!parsed.success) throw invalid("Not a Pipedrive webhook v2 payload; see errors", parsed.error);
    const { meta, data, previous } = parsed.data;
    return {
      // v2's meta.id is unique per notification and kept on retries.
      key: String(meta.id),
      action: meta.action,
      entity: meta.entity,
      occurredAt: timestampOf(meta.timestamp),
      data: normalise(data ?? null),
      previous: normalise(previous ?? null),
    };
  }
  const parsed = V1.safeParse(body);
  if (!parsed.success) throw invalid("Not a Pipedrive webhook payload (v1 or v2); see errors", parsed.error);
  const { meta, current, previous } = parsed.data;
  const objectId = text(meta.id) ?? text(current?.id) ?? text(previous?.id) ?? "?";
  const instant = meta.timestamp_micro ?? meta.timestamp_milli ?? meta.timestamp;
  return {
    // v1 has no notification id: the webhook, the object and the instant of the change make one.
    key: `v1:${text(meta.webhook_id) ?? "0"}:${meta.object}:${objectId}:${instant}`,
    action: V1_ACTIONS[meta.action] ?? meta.action,
    entity: meta.object,
    occurredAt: timestampOf(meta.timestamp),
    data: normalise(current ?? null),
    previous: normalise(previous ?? null),
  };
}

/** v2 sends ISO strings (seconds for a few entities), v1 epoch seconds. */
function timestampOf(value: string | number): string {
  if (typeof value === "number") return isoFromMillis(value < 1e12 ? value * 1000 : value) as string;
  return isoFromText(value) ?? (/^\d+$/.test(value) ? timestampOf(Number(value)) : new Date(0).toISOString());
}

/**
 * One vocabulary for v1 and v2 records, so one mapping serves both: v2's `emails`/`phones` as
 * `email`/`phone`, v1's `user_id` (the owner of an activity or deal) as `owner_id`, and custom fields
 * reachable both as `custom_fields.<key>` (v2) and `<key>` (v1, where they sit at the top).
 */
function normalise(row: Row | null): Row | null {
  if (!row) return null;
  const out: Row = { ...row };
  if (!("email" in out) && "emails" in row) out.email = row.emails;
  if (!("phone" in out) && "phones" in row) out.phone = row.phones;
  if (!("owner_id" in out) && "user_id" in row) out.owner_id = row.user_id;
  if (isRow(row.custom_fields)) {
    for (const [key, value] of Object.entries(row.custom_fields)) if (!(key in out)) out[key] = value;
  }
  return out;
}

const truthy = (value: unknown) => /^(true|1)$/i.test(text(value) ?? "");

/** An activity's outcome is a call's only once it is done; a call.stalled is the callback still to do. */
const callCounts = (entity: string, outcome: CrmOutcome, data: Row) =>
  entity !== "activity" || outcome.type === "call.stalled" || truthy(data.done);

/**
 * A Pipedrive export (docs/import.md "CRM exports"): API field keys as columns (custom fields by
 * their key). An export with a person_id column is of activities (it has `done`) or deals (it does
 * not), each about its person; otherwise of persons, each about itself (`id`). The date is the
 * record's last change, else its creation.
 */
export const PIPEDRIVE_RECORD: RecordColumns = {
  id: ["person_id", "id"],
  date: ["update_time", "add_time"],
  also: ["done", "user_id", "emails", "phones"],
};

/**
 * One row of a Pipedrive export as the event the webhooks would have made of the record: the same
 * mapping (`crm.pipedrive.outcomes.<entity>`, an activity done), the same prospect id. A row without
 * an id, a date or a mapped value is not one.
 */
export function pipedriveRecordEvent(row: Row, settings: PipedriveSettings): Mapped {
  const id = `${PREFIX}export`;
  const entity = "person_id" in row ? ("done" in row ? "activity" : "deal") : "person";
  // Custom fields are top-level columns; a mapping may name them custom_fields.<key> (v2) too.
  const data = normalise({ ...row, custom_fields: { ...row } }) as Row;
  const keys = recordKeys(data, PIPEDRIVE_RECORD, isoFromText);
  if ("problem" in keys) return unusable(id, keys.problem);
  const outcomes = settings.outcomes[entity];
  const valueAt = (field: string) => textAt(data, field);
  const matched = matchOutcome(outcomes, valueAt, (_field, outcome) => callCounts(entity, outcome, data));
  if (!matched) {
    const undone = matchOutcome(outcomes, valueAt);
    if (undone)
      return unusable(
        id,
        `${undone.field} ${JSON.stringify(undone.value)} is mapped, but the activity is not done (done ${JSON.stringify(text(data.done) ?? "")})`,
      );
    return noOutcome(id, `crm.pipedrive.outcomes.${entity}`, outcomes, valueAt);
  }
  return buildEvent({
    id,
    prospectId: `${PIPEDRIVE_PROSPECT_PREFIX}${keys.recordId}`,
    occurredAt: keys.occurredAt,
    rows: [data],
    settings,
    note: plainText(textAt(data, settings.fields.note)),
    outcome: matched.outcome,
  });
}

/** The one item of a Pipedrive delivery, under `pipedrive:<meta.id>` (v2) or `pipedrive:v1:…`. */
export function mapPipedrive(input: { body: unknown; settings: PipedriveSettings }): Mapped {
  const { settings } = input;
  const change = changeOf(input.body);
  const id = `${PREFIX}${change.key}`;
  const { entity, data, previous } = change;
  if (change.action === "delete" || !data) return ignored(id, `${change.action}.${entity} is not mapped`);

  const isPerson = entity === "person";
  // An activity, deal or lead is about its person; a person is about itself. v1 may send the person
  // as an object ({ value, name, email }), which also fills the profile.
  const personId = isPerson ? text(data.id) : text(data.person_id);
  if (!personId) return ignored(id, `This ${entity} has no person`);
  const personRow = !isPerson && isRow(data.person_id) ? (data.person_id as Row) : undefined;
  const rows = personRow ? [data, personRow] : [data];

  const changed = (field: string) =>
    change.action === "create" ||
    (has(previous, field) && text(read(previous, field)) !== text(read(data, field)));
  const counts = (field: string, outcome: CrmOutcome) => {
    if (!callCounts(entity, outcome, data)) return false;
    if (entity !== "activity" || outcome.type === "call.stalled") return changed(field);
    // A call is logged when it is done: created done, marked done, or its outcome changed once done.
    return changed(field) || changed("done");
  };
  const common = {
    id,
    prospectId: `${PIPEDRIVE_PROSPECT_PREFIX}${personId}`,
    occurredAt: change.occurredAt,
    rows,
    settings,
    note: plainText(textAt(data, settings.fields.note)),
  };
  const matched = matchOutcome(settings.outcomes[entity], (field) => textAt(data, field), counts);
  if (matched) return buildEvent({ ...common, outcome: matched.outcome });
  if (isPerson && PROFILE_KEYS.some((key) => settings.fields[key] && changed(settings.fields[key] as string)))
    return buildEvent({ ...common, outcome: "prospect.updated" });
  return ignored(id, `No mapped field of this ${entity} changed (crm.pipedrive.outcomes.${entity})`);
}
