/**
 * SES's mailbox simulator, on a laptop. In AWS, mail to bounce@ or complaint@simulator.amazonses.com
 * comes back as a bounce or complaint event through EventBridge. Locally the SES stand-in accepts
 * everything, so this mailer wrapper builds the same EventBridge-shaped event (the shapes SES
 * documents) and the timer loop hands it, after the send is recorded, to the very handler AWS uses.
 */
import type { Mailer, OutgoingEmail } from "@redial/core";

const SIMULATOR = "@simulator.amazonses.com";

export class SimulatorMailer implements Mailer {
  readonly #inner: Mailer;
  #pending: unknown[] = [];

  constructor(inner: Mailer) {
    this.#inner = inner;
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const sent = await this.#inner.send(email);
    const event = simulatedEvent(email, sent.messageId, new Date());
    if (event) this.#pending.push(event);
    return sent;
  }

  /** The events the simulator owes since the last call, oldest first. */
  drain(): unknown[] {
    const events = this.#pending;
    this.#pending = [];
    return events;
  }
}

/** The SES event a simulator address produces, or null for any other recipient. */
export function simulatedEvent(email: OutgoingEmail, messageId: string, at: Date): unknown {
  const to = email.to.toLowerCase();
  if (!to.endsWith(SIMULATOR)) return null;
  const timestamp = at.toISOString();
  const mail = {
    timestamp,
    messageId,
    destination: [email.to],
    tags: Object.fromEntries(Object.entries(email.tags).map(([name, value]) => [name, [value]])),
  };
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
            emailAddress: email.to,
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
        complainedRecipients: [{ emailAddress: email.to }],
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
