/**
 * The local mailbox simulator answers as SES's does, labels included (bounce+label@…), and builds its
 * events from the SendEmail request the local SES server received, as SES does: the tags in an event
 * are the ones the mailer sent, encoded as it encoded them, not the email's before it.
 */
import { createSesClient, SesMailer } from "@redial/aws";
import { type OutgoingEmail, parseSesEvent, prospectKey } from "@redial/core";
import { type SesLocal, startSesLocal } from "@redial/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ReceivedSend, simulatedEvents } from "../../packages/local/src/mailbox-simulator.ts";

const request = (to: string): ReceivedSend => ({
  Destination: { ToAddresses: [to] },
  EmailTags: [{ Name: "prospect_key", Value: "k1" }],
});
const typesOf = (to: string) =>
  simulatedEvents(request(to), "m-1", new Date()).map(
    (event) => (event as { detail: { eventType: string } }).detail.eventType,
  );

describe("simulatedEvents", () => {
  it("bounces and complains for the simulator's boxes, with or without a label", () => {
    expect(typesOf("bounce@simulator.amazonses.com")).toEqual(["Bounce"]);
    expect(typesOf("bounce+p17@simulator.amazonses.com")).toEqual(["Bounce"]);
    expect(typesOf("complaint+p3@simulator.amazonses.com")).toEqual(["Complaint"]);
  });

  it("answers nothing for other boxes or other domains", () => {
    expect(typesOf("success@simulator.amazonses.com")).toEqual([]);
    expect(typesOf("bouncer@simulator.amazonses.com")).toEqual([]);
    expect(typesOf("bounce@example.com")).toEqual([]);
  });

  it("publishes the request's tags as SES does: each name with a list of values, its configuration set beside", () => {
    const [event] = simulatedEvents(
      { ...request("complaint@simulator.amazonses.com"), ConfigurationSetName: "redial-events" },
      "m-1",
      new Date("2026-11-18T16:12:40Z"),
    );
    expect(parseSesEvent(event).detail.mail).toEqual({
      timestamp: "2026-11-18T16:12:40.000Z",
      messageId: "m-1",
      destination: ["complaint@simulator.amazonses.com"],
      tags: { "ses:configuration-set": ["redial-events"], prospect_key: ["k1"] },
    });
  });
});

describe("the local SES server's mailbox simulator", () => {
  let ses: SesLocal;
  beforeAll(async () => {
    ses = await startSesLocal({ port: 0 });
  });
  afterAll(() => ses?.stop());

  const email = (to: string, tags: Record<string, string>): OutgoingEmail => ({
    to,
    from: { name: "Wendy Ward", address: "wendy@acme.example" },
    replyTo: ["wendy@acme.example"],
    subject: "Following up",
    text: "Hi",
    html: "<p>Hi</p>",
    headers: [],
    tags,
  });

  it("answers a send it accepted with the event SES would publish: the tags as the mailer sent them", async () => {
    const mailer = new SesMailer({
      client: createSesClient({ endpoint: ses.url }),
      fromDomain: "acme.example",
    });
    const key = prospectKey("hubspot:51234");
    ses.drainEvents();

    const { messageId } = await mailer.send(
      email("complaint+p1@simulator.amazonses.com", {
        prospect_key: key,
        "odd:name": "a:b", // sanitised by the mailer: the event shows what SES got
        sequence: "s".repeat(300), // too long for SES: left off by the mailer, so absent here
      }),
    );
    await mailer.send(email("dana@northwind.example", { prospect_key: key })); // no answer owed

    const events = ses.drainEvents();
    expect(events).toHaveLength(1);
    const { detail } = parseSesEvent(events[0]);
    expect(detail).toMatchObject({
      eventType: "Complaint",
      mail: {
        messageId,
        destination: ["complaint+p1@simulator.amazonses.com"],
        tags: { prospect_key: [key], odd_name: ["a_b"] },
      },
      complaint: { complainedRecipients: [{ emailAddress: "complaint+p1@simulator.amazonses.com" }] },
    });
    expect(detail.mail.tags).not.toHaveProperty("sequence");
    expect(ses.drainEvents()).toEqual([]);
  });
});
