/**
 * SES events → decision inputs (R11 hard bounce, R0 complaint) and timeline notes.
 *
 * Fixtures (test/fixtures/ses/*.json) are EventBridge events whose `detail` is the Bounce, Complaint
 * and Delivery record of the SES Developer Guide, "Examples of event data that Amazon SES publishes
 * to Amazon SNS" (https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-examples.html),
 * wrapped in the envelope of the EventBridge reference "Amazon Simple Email Service events"
 * (detail-types `Email Bounced`, `Email Complaint Received`, `Email Delivered`), with Redial's
 * message tags as the composer wrote them before `prospect_key`: the prospect's id "hubspot:51234"
 * base64url-encoded in `prospect` (still read, for late events about those emails).
 * bounce-transient.json is the bounce record with a Transient/MailboxFull bounce.
 */
import {
  parseSesEvent,
  prospectKey,
  prospectTag,
  RedialError,
  SesEvent,
  taggedProspect,
  toInternalEvents,
} from "@redial/core";
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
  it("R11: a permanent bounce is email.bounced for the bounced address, which is suppressed regardless", () => {
    expect(toInternalEvents(parseSesEvent(permanentBounce))).toEqual([
      {
        kind: "bounced",
        messageId: MESSAGE_ID,
        occurredAt: "2026-11-18T15:41:02.669Z",
        input: { type: "email.bounced", occurredAt: "2026-11-18T15:41:02.669Z", email: DANA },
        suppress: { email: DANA, rule: "R11" },
        note: `Hard bounce (Permanent/General) from ${DANA}: smtp; 550 5.1.1 user unknown`,
      },
    ]);
  });

  it("a transient bounce decides nothing: only a note for the timeline", () => {
    const [outcome, ...rest] = toInternalEvents(parseSesEvent(transientBounce));
    expect(rest).toEqual([]);
    expect(outcome).toMatchObject({ kind: "bounced" });
    expect(outcome?.input).toBeUndefined();
    expect(outcome?.suppress).toBeUndefined();
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

  it("R0: a complaint is email.complained, and its address is suppressed regardless", () => {
    expect(toInternalEvents(parseSesEvent(complaint))).toEqual([
      {
        kind: "complained",
        messageId: MESSAGE_ID,
        occurredAt: "2026-11-18T16:12:40.120Z",
        input: { type: "email.complained", occurredAt: "2026-11-18T16:12:40.120Z", email: DANA },
        suppress: { email: DANA, rule: "R0" },
        note: `${DANA} marked the email as spam (abuse)`,
      },
    ]);
  });

  it('a "not-spam" feedback report is no complaint: a note, never an opt-out', () => {
    const event = copy(complaint);
    event.detail.complaint.complaintFeedbackType = "not-spam";
    const [outcome] = toInternalEvents(parseSesEvent(event));
    expect(outcome?.input).toBeUndefined();
    expect(outcome?.suppress).toBeUndefined();
    expect(outcome?.note).toContain("not spam");
  });

  it("a delivery is a delivered note with the MessageId", () => {
    expect(toInternalEvents(parseSesEvent(delivery))).toEqual([
      {
        kind: "delivered",
        messageId: MESSAGE_ID,
        occurredAt: "2026-11-18T15:40:14.133Z",
        note: `Delivered to ${DANA} (250 2.6.0 Message received)`,
      },
    ]);
  });

  it("an email without a prospect tag (the weekly export) names no prospect; its bounce still suppresses", () => {
    const event = copy(permanentBounce);
    delete (event.detail.mail.tags as Record<string, unknown>).prospect;
    const parsed = parseSesEvent(event);
    expect(taggedProspect(parsed.detail.mail)).toBeNull();
    expect(toInternalEvents(parsed)[0]?.suppress).toEqual({ email: DANA, rule: "R11" });
  });
  it("Send, Open and Click events yield nothing", () => {
    const event = { ...copy(delivery), "detail-type": "Email Opened" };
    const detail = { eventType: "Open", mail: event.detail.mail, open: { ipAddress: "192.0.2.1" } };
    expect(toInternalEvents(parseSesEvent({ ...event, detail }))).toEqual([]);
  });
});

describe("SES events: who the email was about (its tags)", () => {
  const mailTagged = (tags: Record<string, string[]>) => {
    const event = copy(permanentBounce);
    event.detail.mail.tags = tags as typeof event.detail.mail.tags;
    return taggedProspect(parseSesEvent(event).detail.mail);
  };

  it("prospect_key: the key the composer writes, for the store to resolve", () => {
    const key = prospectKey("salesforce:00Q5e000001AbCd");
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mailTagged({ "ses:configuration-set": ["redial-events"], prospect_key: [key] })).toEqual({ key });
  });

  it("any id, 300 bytes of UTF-8 or more, has a key of 43 tag-safe characters, its own", () => {
    const long = `hubspot:${"営".repeat(61)}x${"業".repeat(36)}`;
    const prefix = long.slice(0, 70);
    expect(prospectKey(long)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(prospectKey(long)).not.toBe(prospectKey(prefix));
    expect(prospectKey(long)).toBe(prospectKey(long));
  });

  it("a prospect_key the composer did not write names nobody (and no legacy tag beside it is trusted)", () => {
    const legacy = [prospectTag("hubspot:51234")];
    expect(mailTagged({ prospect_key: ["hubspot_51234"], prospect: legacy })).toBeNull();
    expect(mailTagged({ prospect_key: [`${prospectKey("x")}!`] })).toBeNull();
  });

  it("the legacy prospect tag: the id it encodes, and nothing it does not", () => {
    expect(mailTagged({ prospect: [prospectTag("salesforce:00Q5e000001AbCd")] })).toEqual({
      prospectId: "salesforce:00Q5e000001AbCd",
    });
    // Not base64url of anything that encodes back to it.
    expect(mailTagged({ prospect: ["hubspot_51234"] })).toBeNull();
  });

  it("a legacy tag of 256 characters may be a longer id cut short: it names nobody", () => {
    const prefix = `hubspot:${"営".repeat(61)}x`; // 192 bytes: the first 256 characters of a longer id's tag
    const cut = prospectTag(`${prefix}${"業".repeat(36)}`).slice(0, 256);
    expect(cut).toBe(prospectTag(prefix));
    expect(mailTagged({ prospect: [cut] })).toBeNull();
    expect(mailTagged({ prospect: [prospectTag("hubspot:51234")] })).toEqual({ prospectId: "hubspot:51234" });
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
