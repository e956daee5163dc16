/**
 * SES email events as EventBridge delivers them (source `aws.ses`, detail-type `Email Bounced`,
 * `Email Complaint Received`, `Email Delivered`, …), and what each means for a prospect. The `detail`
 * is SES's event publishing record ("Contents of event data that Amazon SES publishes", SES
 * Developer Guide). Pure: parsing and mapping only; the handler loads, decides and stores.
 */
import * as z from "zod";
import type { InternalEvent } from "../decide/types.ts";
import { invalid } from "../errors.ts";
import { prospectFromTag, prospectTag } from "../send/compose.ts";

/**
 * The message tag the composer sets to the prospect's id, base64url-encoded (`prospectTag`: SES tag
 * values allow no `:`), and every event carries back as `mail.tags.prospect[0]`.
 */
export const PROSPECT_TAG = "prospect";

const Timestamp = z.iso.datetime({ offset: true });
const Recipient = z.object({ emailAddress: z.string().min(1) });

const Mail = z.object({
  timestamp: Timestamp,
  messageId: z.string().min(1),
  destination: z.array(z.string()),
  /** SES's own (`ses:configuration-set`, …) and ours, each name with a list of values. */
  tags: z.record(z.string(), z.array(z.string())).optional(),
});

const Bounce = z.object({
  /** Only Permanent is a hard bounce (R11); SES reports Transient ones after it gave up retrying. */
  bounceType: z.enum(["Undetermined", "Permanent", "Transient"]),
  bounceSubType: z.string().optional(),
  bouncedRecipients: z
    .array(Recipient.extend({ status: z.string().optional(), diagnosticCode: z.string().optional() }))
    .min(1),
  timestamp: Timestamp,
});

const Complaint = z.object({
  complainedRecipients: z.array(Recipient).min(1),
  timestamp: Timestamp,
  /** RFC 5965 feedback type (`abuse`, `not-spam`, …) when the mailbox provider sent one. */
  complaintFeedbackType: z.string().optional(),
});

const Delivery = z.object({
  timestamp: Timestamp,
  recipients: z.array(z.string()),
  smtpResponse: z.string().optional(),
});

const DeliveryDelay = z.object({
  timestamp: Timestamp,
  delayType: z.string(),
  delayedRecipients: z.array(Recipient).optional(),
});

/** One variant per documented `eventType`; an undocumented one is rejected, unknown fields ignored. */
export const SesEventDetail = z.discriminatedUnion("eventType", [
  z.object({ eventType: z.literal("Bounce"), mail: Mail, bounce: Bounce }),
  z.object({ eventType: z.literal("Complaint"), mail: Mail, complaint: Complaint }),
  z.object({ eventType: z.literal("Delivery"), mail: Mail, delivery: Delivery }),
  z.object({ eventType: z.literal("Reject"), mail: Mail, reject: z.object({ reason: z.string() }) }),
  z.object({
    eventType: z.literal("Rendering Failure"),
    mail: Mail,
    failure: z.object({ errorMessage: z.string(), templateName: z.string().optional() }),
  }),
  z.object({ eventType: z.literal("DeliveryDelay"), mail: Mail, deliveryDelay: DeliveryDelay }),
  z.object({ eventType: z.enum(["Send", "Open", "Click", "Subscription"]), mail: Mail }),
]);
export type SesEventDetail = z.infer<typeof SesEventDetail>;

/** The EventBridge envelope around an SES event. */
export const SesEvent = z.object({
  source: z.literal("aws.ses"),
  "detail-type": z.string().min(1),
  detail: SesEventDetail,
});
export type SesEvent = z.infer<typeof SesEvent>;

/** The event, or RedialError("invalid") with the path of every problem. */
export function parseSesEvent(input: unknown): SesEvent {
  const result = SesEvent.safeParse(input);
  if (!result.success) throw invalid("Not an SES event Redial understands", result.error);
  return result.data;
}

/** What an SES event means for one prospect: a decision input (R0, R11), a timeline note, or both. */
export interface SesOutcome {
  prospectId: string;
  kind: "bounced" | "complained" | "delivered" | "rejected" | "rendering_failed" | "delayed";
  messageId: string;
  occurredAt: string;
  /** For decide(): a hard bounce (R11) or a complaint (R0). */
  input?: InternalEvent;
  /** For the timeline: what happened when nothing is decided, or the detail worth keeping. */
  note?: string;
}

/**
 * The prospect comes from the message's `prospect` tag; an email without one (the weekly export) or
 * with one the composer did not write is not a prospect's, and yields nothing. So do Send, Open,
 * Click and Subscription events.
 */
export function toInternalEvents(event: SesEvent): SesOutcome[] {
  const { detail } = event;
  const prospectId = prospectOf(detail.mail.tags?.[PROSPECT_TAG]?.[0]);
  if (!prospectId) return [];
  const base = { prospectId, messageId: detail.mail.messageId };

  switch (detail.eventType) {
    case "Bounce": {
      const { bounce } = detail;
      const occurredAt = bounce.timestamp;
      const why = [bounce.bounceType, bounce.bounceSubType].filter(Boolean).join("/");
      return bounce.bouncedRecipients.map(({ emailAddress: email, diagnosticCode }) =>
        bounce.bounceType === "Permanent"
          ? {
              ...base,
              kind: "bounced" as const,
              occurredAt,
              input: { type: "email.bounced", occurredAt, email },
              note: `Hard bounce (${why}) from ${email}${diagnosticCode ? `: ${diagnosticCode}` : ""}`,
            }
          : {
              ...base,
              kind: "bounced" as const,
              occurredAt,
              note: `Soft bounce (${why}) from ${email}: SES stopped retrying; the address is kept`,
            },
      );
    }
    case "Complaint": {
      const { complaint } = detail;
      const occurredAt = complaint.timestamp;
      return complaint.complainedRecipients.map(({ emailAddress: email }) =>
        // A "not-spam" report says the opposite of a complaint: worth a note, never an opt-out.
        complaint.complaintFeedbackType === "not-spam"
          ? {
              ...base,
              kind: "complained" as const,
              occurredAt,
              note: `${email} reported the email as not spam`,
            }
          : {
              ...base,
              kind: "complained" as const,
              occurredAt,
              input: { type: "email.complained", occurredAt, email },
              note: `${email} marked the email as spam${complaint.complaintFeedbackType ? ` (${complaint.complaintFeedbackType})` : ""}`,
            },
      );
    }
    case "Delivery": {
      const { delivery } = detail;
      const to = delivery.recipients.join(", ");
      const response = delivery.smtpResponse ? ` (${delivery.smtpResponse})` : "";
      return [
        { ...base, kind: "delivered", occurredAt: delivery.timestamp, note: `Delivered to ${to}${response}` },
      ];
    }
    case "Reject":
      return [
        {
          ...base,
          kind: "rejected",
          occurredAt: detail.mail.timestamp,
          note: `SES rejected the email: ${detail.reject.reason}`,
        },
      ];
    case "Rendering Failure":
      return [
        {
          ...base,
          kind: "rendering_failed",
          occurredAt: detail.mail.timestamp,
          note: `SES could not render the email: ${detail.failure.errorMessage}`,
        },
      ];
    case "DeliveryDelay":
      return [
        {
          ...base,
          kind: "delayed",
          occurredAt: detail.deliveryDelay.timestamp,
          note: `Delivery delayed (${detail.deliveryDelay.delayType}); SES keeps trying`,
        },
      ];
    default:
      return [];
  }
}

/** The id behind a tag, only if encoding it again gives the same tag (base64url decodes anything). */
function prospectOf(tag: string | undefined): string | null {
  if (!tag) return null;
  const id = prospectFromTag(tag);
  return id && prospectTag(id) === tag ? id : null;
}
