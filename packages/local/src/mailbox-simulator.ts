/**
 * SES's mailbox simulator, on a laptop. In AWS, mail to bounce@ or complaint@simulator.amazonses.com
 * comes back as a bounce or complaint event through EventBridge. Locally the SES stand-in accepts
 * everything, so it builds the same EventBridge-shaped event (the shapes SES documents) from the
 * SendEmail request it received (ses.ts), and the timer loop hands it, after the send is recorded, to
 * the very handler AWS uses.
 *
 * Built from the request, as SES builds its events, never from the email before the mailer encoded
 * it: what the mailer does to tags (sanitising, leaving off) is what the handler then has to read.
 */
import * as z from "zod";

const SIMULATOR = "@simulator.amazonses.com";

/** The parts of a received SES v2 SendEmail request that SES's events carry; the rest is ignored. */
export const ReceivedSend = z.object({
  Destination: z
    .object({
      ToAddresses: z.array(z.string()).optional(),
      CcAddresses: z.array(z.string()).optional(),
      BccAddresses: z.array(z.string()).optional(),
    })
    .optional(),
  EmailTags: z.array(z.object({ Name: z.string(), Value: z.string() })).optional(),
  ConfigurationSetName: z.string().optional(),
});
export type ReceivedSend = z.infer<typeof ReceivedSend>;

/** The SES events the simulator's addresses among the request's recipients produce, one per address. */
export function simulatedEvents(request: ReceivedSend, messageId: string, at: Date): unknown[] {
  const { ToAddresses = [], CcAddresses = [], BccAddresses = [] } = request.Destination ?? {};
  const destination = [...ToAddresses, ...CcAddresses, ...BccAddresses];
  const timestamp = at.toISOString();
  const mail = {
    timestamp,
    messageId,
    destination,
    // As SES publishes them: each tag name with a list of values, its own `ses:` tags beside ours.
    tags: {
      ...(request.ConfigurationSetName ? { "ses:configuration-set": [request.ConfigurationSetName] } : {}),
      ...Object.fromEntries((request.EmailTags ?? []).map((tag) => [tag.Name, [tag.Value]])),
    },
  };
  return destination.flatMap((address) => {
    const event = simulatedEvent(address, mail, timestamp);
    return event ? [event] : [];
  });
}

/** The SES event a simulator address produces, or null for any other recipient. */
function simulatedEvent(address: string, mail: unknown, timestamp: string): unknown {
  const to = address.toLowerCase();
  if (!to.endsWith(SIMULATOR)) return null;
  // As SES's simulator, a label after "+" is allowed (bounce+anything@…), so many prospects can bounce.
  const box = to.slice(0, to.indexOf("@")).replace(/\+.*$/, "");
  if (box === "bounce") {
    return envelope("Email Bounced", {
      eventType: "Bounce",
      mail,
      bounce: {
        bounceType: "Permanent",
        bounceSubType: "General",
        bouncedRecipients: [
          {
            emailAddress: address,
            status: "5.1.1",
            diagnosticCode: "smtp; 550 5.1.1 user unknown (simulated)",
          },
        ],
        timestamp,
      },
    });
  }
  if (box === "complaint") {
    return envelope("Email Complaint Received", {
      eventType: "Complaint",
      mail,
      complaint: {
        complainedRecipients: [{ emailAddress: address }],
        timestamp,
        complaintFeedbackType: "abuse",
      },
    });
  }
  return null;
}

const envelope = (detailType: string, detail: unknown) => ({
  version: "0",
  source: "aws.ses",
  "detail-type": detailType,
  detail,
});
