/**
 * readEvent(): a parsed JSON body as an inbound event, the one boundary every event source goes
 * through (the API, imports), so each refuses the same things the same way.
 */
import { isOptOut } from "../decide/rules/index.ts";
import { type FieldError, fieldErrors, formatPath } from "../errors.ts";
import { InboundEvent } from "../schemas/event.ts";
import { dropParts, type Key, type Unstorable, unstorable } from "../schemas/storable.ts";

export type ReadEvent =
  | {
      ok: true;
      event: InboundEvent;
      /** What the decision must say about the body: the attributes an opt-out was applied without. */
      remarks: string[];
    }
  | { ok: false; errors: FieldError[] };

/** A body full of defects gets the first few named, not a response as long as the body. */
const MAX_REPORTED = 10;

/**
 * The schema's verdict and what DynamoDB could not store (schemas/storable.ts), together: any defect
 * is a refusal that names every path. Except for R0: when the only defects are unstorable attributes
 * (or reserved names on the prospect or owner) and the event is an opt-out, it is read without them
 * and the remark names them. Consent must not depend on the rest of the body: refusing the opt-out
 * would leave the address mailable while the CRM retries the same body for ever.
 */
export function readEvent(json: unknown): ReadEvent {
  const parts = unstorable(json);
  const parsed = InboundEvent.safeParse(json);
  if (parsed.success && parts.length === 0) return { ok: true, event: parsed.data, remarks: [] };

  const errors = [
    ...parts.slice(0, MAX_REPORTED).map((part) => ({ path: formatPath(part.path), message: part.message })),
    ...(parsed.success ? [] : fieldErrors(parsed.error)),
  ];
  const issues = parsed.success ? [] : parsed.error.issues;
  // A key the schema refuses inside the attributes (one too long) is an attribute that cannot be kept.
  if (issues.every((issue) => isInsideAttributes(issue.path as Key[]))) {
    const dropped: Unstorable[] = [
      ...parts,
      ...issues.map((issue) => {
        const path = issue.path as Key[];
        return { path, drop: path, message: issue.message, reason: issue.message };
      }),
    ];
    const drops = dropped.map((part) => part.drop);
    const again = InboundEvent.safeParse(dropParts(json, drops));
    if (again.success && isOptOut(again.data))
      return { ok: true, event: again.data, remarks: [droppedRemark(dropped)] };
  }
  return { ok: false, errors };
}

const isInsideAttributes = (path: readonly Key[]) =>
  path.length > 2 && path[0] === "prospect" && path[1] === "attributes";

function droppedRemark(dropped: readonly Unstorable[]): string {
  const named = dropped
    .slice(0, MAX_REPORTED)
    .map((part) => `${nameOf(part.drop)} (${part.reason})`)
    .join("; ");
  const more = dropped.length > MAX_REPORTED ? `; and ${dropped.length - MAX_REPORTED} more` : "";
  return `Applied without what DynamoDB cannot store, so the opt-out holds (R0): ${named}${more}`;
}

/** The dropped part's path; an empty name shown as `[""]`, which a dotted path cannot show. */
const nameOf = (path: readonly Key[]) =>
  path.at(-1) === "" ? `${formatPath(path.slice(0, -1))}[""]` : formatPath(path);
