/**
 * SES events → decision inputs (R11 hard bounce, R0 complaint) and timeline notes.
 *
 * Fixtures (test/fixtures/ses/*.json) are EventBridge events whose `detail` is the Bounce, Complaint
 * and Delivery record of the SES Developer Guide, "Examples of event data that Amazon SES publishes
 * to Amazon SNS" (https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-examples.html),
 * wrapped in the envelope of the EventBridge reference "Amazon Simple Email Service events"
 * (detail-types `Email Bounced`, `Email Complaint Received`, `Email Delivered`), with Redial's
 * message tags (the prospect's id "hubspot:51234" base64url-encoded, as the composer writes it).
 * bounce-transient.json is the bounce record with a Transient/MailboxFull bounce.
 */
import { parseSesEvent, prospectTag, RedialError, SesEvent, toInternalEvents } from "@redial/core";
import { describe, expect, it } from "vitest";
import permanentBounce from "../fixtures/ses/bounce-permanent.json" with { type: "json" };
import transientBounce from "../fixtures/ses/bounce-transient.json" with { type: "json" };
import complaint from "../fixtures/ses/complaint.json" with { type: "json" };
import delivery from "../fixtures/ses/delivery.json" with { type: "json" };

const MESSAGE_ID = "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000";
const DANA = "dana.lee@northwind.example";

/** A deep copy to break: fixtures are shared module objects. */
const copy = <T>(value: T): T => structuredClone(value);

describe("SES events → decision inputs", () => {
  it("R11: a permanent bounce is email.bounced for the tagged prospect and the bounced address", () => {
    expect(toInternalEvents(parseSesEvent(permanentBounce))).toEqual([
      {
        prospectId: "hubspot:51234",
        kind: "bounced",
        messageId: MESSAGE_ID,
        occurredAt: "2026-11-18T15:41:02.669Z",
        input: { type: "email.bounced", occurredAt: "2026-11-18T15:41:02.669Z", email: DANA },
        note: `Hard bounce (Permanent/General) from ${DANA}: smtp; 550 5.1.1 user unknown`,
      },
    ]);
  });

  it("a transient bounce decides nothing: only a note for the timeline", () => {
    const [outcome, ...rest] = toInternalEvents(parseSesEvent(transientBounce));
    expect(rest).toEqual([]);
    expect(outcome).toMatchObject({ prospectId: "hubspot:51234", kind: "bounced" });
    expect(outcome?.input).toBeUndefined();
    expect(outcome?.note).toContain("Soft bounce (Transient/MailboxFull)");
  });

  it("one email.bounced per bounced recipient", () => {
    const event = copy(permanentBounce);
    event.detail.bounce.bouncedRecipients.push({
      ...event.detail.bounce.bouncedRecipients[0],
      emailAddress: "ops@northwind.example",
    } as never);
    const inputs = toInternalEvents(parseSesEvent(event)).map((outcome) => outcome.input);
    expect(inputs.map((input) => (input && "email" in input ? input.email : undefined))).toEqual([
      DANA,
      "ops@northwind.example",
    ]);
  });

  it("R0: a complaint is email.complained", () => {
    expect(toInternalEvents(parseSesEvent(complaint))).toEqual([
      {
        prospectId: "hubspot:51234",
        kind: "complained",
        messageId: MESSAGE_ID,
        occurredAt: "2026-11-18T16:12:40.120Z",
        input: { type: "email.complained", occurredAt: "2026-11-18T16:12:40.120Z", email: DANA },
        note: `${DANA} marked the email as spam (abuse)`,
      },
    ]);
  });

  it('a "not-spam" feedback report is no complaint: a note, never an opt-out', () => {
    const event = copy(complaint);
    event.detail.complaint.complaintFeedbackType = "not-spam";
    const [outcome] = toInternalEvents(parseSesEvent(event));
    expect(outcome?.input).toBeUndefined();
    expect(outcome?.note).toContain("not spam");
  });

  it("a delivery is a delivered note with the MessageId", () => {
    expect(toInternalEvents(parseSesEvent(delivery))).toEqual([
      {
        prospectId: "hubspot:51234",
        kind: "delivered",
        messageId: MESSAGE_ID,
        occurredAt: "2026-11-18T15:40:14.133Z",
        note: `Delivered to ${DANA} (250 2.6.0 Message received)`,
      },
    ]);
  });

  it("an email without a prospect tag (the weekly export) yields nothing", () => {
    const event = copy(permanentBounce);
    delete (event.detail.mail.tags as Record<string, unknown>).prospect;
    expect(toInternalEvents(parseSesEvent(event))).toEqual([]);
  });

  it("reads the tag the composer writes, and nothing it did not write", () => {
    const event = copy(permanentBounce);
    event.detail.mail.tags.prospect = [prospectTag("salesforce:00Q5e000001AbCd")];
    expect(toInternalEvents(parseSesEvent(event))[0]?.prospectId).toBe("salesforce:00Q5e000001AbCd");
    event.detail.mail.tags.prospect = ["hubspot_51234"]; // not base64url of anything that encodes back to it
    expect(toInternalEvents(parseSesEvent(event))).toEqual([]);
  });

  it("Send, Open and Click events yield nothing", () => {
    const event = { ...copy(delivery), "detail-type": "Email Opened" };
    const detail = { eventType: "Open", mail: event.detail.mail, open: { ipAddress: "192.0.2.1" } };
    expect(toInternalEvents(parseSesEvent({ ...event, detail }))).toEqual([]);
  });
});

describe("SES events: malformed input", () => {
  it("is a zod error with the path of the problem", () => {
    const event = copy(permanentBounce);
    (event.detail.bounce.bouncedRecipients[0] as Record<string, unknown>).emailAddress = 42;
    const result = SesEvent.safeParse(event);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([
      ["detail", "bounce", "bouncedRecipients", 0, "emailAddress"],
    ]);
  });

  it("parseSesEvent reports it as RedialError invalid, with dotted paths", () => {
    const event = copy(permanentBounce);
    (event.detail as Record<string, unknown>).eventType = "Bounced";
    const failure = (() => {
      try {
        parseSesEvent(event);
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(RedialError);
    expect(failure).toMatchObject({ kind: "invalid", errors: [{ path: "detail.eventType" }] });
  });

  it("rejects what is not an SES event", () => {
    expect(SesEvent.safeParse({ ...copy(delivery), source: "aws.s3" }).error?.issues[0]?.path).toEqual([
      "source",
    ]);
  });
});
