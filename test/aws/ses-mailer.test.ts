/**
 * The SES v2 mailer (G4: the owner as sender and reply-to, RFC 8058 headers), sent through a real
 * SES v2 local server; the error mapping and the exact command with aws-sdk-client-mock.
 */
import {
  MessageRejected,
  SESv2Client,
  SESv2ServiceException,
  SendEmailCommand,
  TooManyRequestsException,
} from "@aws-sdk/client-sesv2";
import { createSesClient, SesMailer } from "@redial/aws";
import type { OutgoingEmail } from "@redial/core";
import { RedialError } from "@redial/core";
import { type SesLocal, startSesLocal } from "@redial/local";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromAddress, mailerError } from "../../packages/aws/src/ses/mailer.ts";

const UNSUBSCRIBE = "https://redial.acme.example/u/tok123.sig456";

const email = (overrides: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  to: "dana.lee@northwind.example",
  from: { name: "Wendy Ward", address: "wendy@acme.example" },
  replyTo: ["wendy@acme.example"],
  subject: "Following up, Dana",
  text: `Hi Dana,\n\nUnsubscribe: ${UNSUBSCRIBE}\n`,
  html: `<p>Hi Dana,</p><p><a href="${UNSUBSCRIBE}">Unsubscribe</a></p>`,
  headers: [
    { name: "List-Unsubscribe", value: `<${UNSUBSCRIBE}>` },
    { name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click" },
  ],
  tags: { prospect_key: "aGFzaC1vZi1odWJzcG90LTUxMjM0LWZvci10aGUtdGFn", sequence: "soft_no", step: "2" },
  ...overrides,
});

interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  headers?: { name: string; value: string }[];
}

describe("SesMailer against the SES v2 local server", () => {
  let ses: SesLocal;
  beforeAll(async () => {
    ses = await startSesLocal({ port: 0 });
  });
  afterAll(() => ses?.stop());

  it("G4: sends as the owner at the verified domain, replies to the owner, with the one-click headers", async () => {
    const mailer = new SesMailer({
      client: createSesClient({ endpoint: ses.url }),
      fromDomain: "mail.acme.example",
      configurationSet: "redial-events",
    });

    const { messageId } = await mailer.send(email());

    const store = (await (await fetch(`${ses.url}/store`)).json()) as { emails: StoredEmail[] };
    const sent = store.emails.find((stored) => stored.messageId === messageId);
    expect(sent).toMatchObject({
      from: '"Wendy Ward" <wendy@mail.acme.example>',
      replyTo: ["wendy@acme.example"],
      destination: { to: ["dana.lee@northwind.example"] },
      subject: "Following up, Dana",
      body: { text: email().text, html: email().html },
      headers: [
        { name: "List-Unsubscribe", value: `<${UNSUBSCRIBE}>` },
        { name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click" },
      ],
    });
  });
});

describe("SesMailer: the exact command", () => {
  // One instance, not the class: mocking SESv2Client's prototype would catch the real sends above.
  const client = new SESv2Client({ region: "us-east-1" });
  const ses = mockClient(client);
  const mailer = new SesMailer({
    client,
    fromDomain: "mail.acme.example",
    configurationSet: "redial-events",
  });

  it("sends one SendEmail with UTF-8 parts, the configuration set and sanitised tags", async () => {
    ses.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: "0100-abc" });

    const result = await mailer.send(email({ tags: { prospect: "hubspot:51234", step: "2" } }));

    expect(result).toEqual({ messageId: "0100-abc" });
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      FromEmailAddress: '"Wendy Ward" <wendy@mail.acme.example>',
      ReplyToAddresses: ["wendy@acme.example"],
      Destination: { ToAddresses: ["dana.lee@northwind.example"] },
      Content: {
        Simple: {
          Subject: { Data: "Following up, Dana", Charset: "UTF-8" },
          Body: {
            Text: { Data: email().text, Charset: "UTF-8" },
            Html: { Data: email().html, Charset: "UTF-8" },
          },
          Headers: [
            { Name: "List-Unsubscribe", Value: `<${UNSUBSCRIBE}>` },
            { Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click" },
          ],
        },
      },
      ConfigurationSetName: "redial-events",
      EmailTags: [
        { Name: "prospect", Value: "hubspot_51234" },
        { Name: "step", Value: "2" },
      ],
    });
  });

  it("leaves off a tag value too long for SES rather than cut it (a cut value names something else)", async () => {
    ses.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: "0100-long" });

    await mailer.send(
      email({ tags: { prospect_key: "k".repeat(43), sequence: "s".repeat(257), step: "2" } }),
    );

    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input.EmailTags).toEqual([
      { Name: "prospect_key", Value: "k".repeat(43) },
      { Name: "step", Value: "2" },
    ]);
  });

  it("maps throttling and quotas to unavailable (deferred, never dropped)", async () => {
    const throttled = [
      new TooManyRequestsException({ message: "Too many requests", $metadata: {} }),
      Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }),
      Object.assign(new Error("Maximum sending rate exceeded."), { name: "Throttling" }),
      new SESv2ServiceException({
        name: "SomethingNew",
        $fault: "client",
        message: "Daily message quota exceeded.",
        $metadata: {},
      }),
    ];
    for (const error of throttled) {
      ses.reset();
      ses.on(SendEmailCommand).rejects(error);
      const failure = await mailer.send(email()).catch((caught: unknown) => caught);
      expect(failure).toBeInstanceOf(RedialError);
      expect(failure).toMatchObject({ kind: "unavailable" });
      expect((failure as RedialError).cause).toBe(error);
    }
  });

  it("maps a rejected message to invalid (a permanent failure the caller records)", async () => {
    ses.reset();
    ses
      .on(SendEmailCommand)
      .rejects(new MessageRejected({ message: "Email address is not verified.", $metadata: {} }));
    await expect(mailer.send(email())).rejects.toMatchObject({
      name: "RedialError",
      kind: "invalid",
      message: expect.stringContaining("MessageRejected"),
    });
  });

  it("lets anything else escape unchanged", () => {
    const bug = Object.assign(new Error("boom"), { name: "InternalServiceErrorException" });
    expect(mailerError(bug)).toBe(bug);
  });
});

describe("fromAddress", () => {
  const DOMAIN = "mail.acme.example";

  it("keeps an owner already at the verified domain as is", () => {
    expect(fromAddress({ name: "Wendy Ward", address: "Wendy.Ward@Mail.Acme.Example" }, DOMAIN)).toBe(
      '"Wendy Ward" <Wendy.Ward@Mail.Acme.Example>',
    );
  });

  it("moves the owner's local part, sanitised to plain ASCII, to the verified domain", () => {
    expect(fromAddress({ address: "José Luis+crm@acme.example" }, DOMAIN)).toBe(
      "jose-luis+crm@mail.acme.example",
    );
    expect(fromAddress({ address: '"..."@acme.example' }, DOMAIN)).toBe("sales@mail.acme.example");
  });

  it("quotes an ASCII name, escaping quotes and dropping line breaks", () => {
    expect(
      fromAddress({ name: 'Wendy "W." Ward\r\nBcc: x@evil.example', address: "w@acme.example" }, DOMAIN),
    ).toBe('"Wendy \\"W.\\" Ward Bcc: x@evil.example" <w@mail.acme.example>');
  });

  it("encodes a non-ASCII name as RFC 2047 words of at most 75 characters", () => {
    const name = "Zoë Ångström-Müller, Directrice Générale des Ventes Internationales";
    const from = fromAddress({ name, address: "zoe@acme.example" }, DOMAIN);
    const words = from.replace(/ <zoe@mail\.acme\.example>$/, "").split(" ");
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) expect(word).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
    expect(Math.max(...words.map((word) => word.length))).toBeLessThanOrEqual(75);
    const decoded = words.map((word) => Buffer.from(word.slice(10, -2), "base64").toString("utf8")).join("");
    expect(decoded).toBe(name);
  });
});
