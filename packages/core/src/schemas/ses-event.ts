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
 * The message tag the composer sets to the prospect's key (`prospectKey`: an id does not fit an SES
 * tag), and every event carries back as `mail.tags.prospect_key[0]`.
 */
export const PROSPECT_KEY_TAG = "prospect_key";
/** The tag of emails sent before PROSPECT_KEY_TAG: the id, base64url-encoded (`prospectTag`). */
export const LEGACY_PROSPECT_TAG = "prospect";
/** The longest tag SES takes: a legacy tag this long may be a longer id cut short. */
const TAG_MAX = 256;

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

/** What an SES event means: a decision input (R0, R11), a timeline note, or both. */
export interface SesOutcome {
  kind: "bounced" | "complained" | "delivered" | "rejected" | "rendering_failed" | "delayed";
  messageId: string;
  occurredAt: string;
  /** For decide(): a hard bounce (R11) or a complaint (R0). */
  input?: InternalEvent;
  /** For the timeline: what happened when nothing is decided, or the detail worth keeping. */
  note?: string;
  /**
   * The address to suppress even when no stored prospect is found for the email (R0, R11: the
   * address is suppressed regardless), with the rule that suppresses it.
   */
  suppress?: { email: string; rule: "R0" | "R11" };
}

/** Who an email was about, as its tags say: a key the store resolves, or (older emails) the id itself. */
export type TaggedProspect = { key: string } | { prospectId: string };

/**
 * The prospect an event's email was sent about, from its message tags; null for an email without one
 * (the weekly export) or with one the composer did not write.
 */
export function taggedProspect(mail: SesEventDetail["mail"]): TaggedProspect | null {
  const key = mail.tags?.[PROSPECT_KEY_TAG]?.[0];
  if (key !== undefined) return PROSPECT_KEY.test(key) ? { key } : null;
  const prospectId = legacyProspectOf(mail.tags?.[LEGACY_PROSPECT_TAG]?.[0]);
  return prospectId ? { prospectId } : null;
}

/** What prospectKey() writes: 32 bytes of SHA-256 in base64url. */
const PROSPECT_KEY = /^[A-Za-z0-9_-]{43}$/;

/**
 * What the event means, whoever the email was about (taggedProspect says who): Send, Open, Click and
 * Subscription events mean nothing here.
 */
export function toInternalEvents(event: SesEvent): SesOutcome[] {
  const { detail } = event;
  const base = { messageId: detail.mail.messageId };

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
              suppress: { email, rule: "R11" as const },
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
              suppress: { email, rule: "R0" as const },
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

/**
 * The id behind a legacy tag, only if encoding it again gives the same tag (base64url decodes
 * anything), and never from a tag of the longest length: the mailer cut longer ones there, and the
 * cut decodes to a prefix of the id, which may be another prospect's whole id.
 */
function legacyProspectOf(tag: string | undefined): string | null {
  if (!tag || tag.length >= TAG_MAX) return null;
  const id = prospectFromTag(tag);
  return id && prospectTag(id) === tag ? id : null;
}
