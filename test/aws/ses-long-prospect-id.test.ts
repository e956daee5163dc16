/**
 * A complaint or hard bounce about a prospect whose id does not fit an SES message tag. SES tag
 * values are at most 256 characters of [A-Za-z0-9_-] (SES API reference, MessageTag), and a CRM id may
 * be 200 characters of anything (CONTRACT.md), e.g. 300 bytes of UTF-8. Whatever the mailer tags, the
 * SES-events handler must find that very prospect again, never another one, and the address is
 * suppressed whatever it finds (R0, R11).
 *
 * The email goes through the real composer, the email runner and the SesMailer; the SES client is
 * mocked only to capture the exact SendEmail request, and the event is built from that request as SES
 * publishes it (the request's tags under `mail.tags`), so what the mailer encodes is what the handler
 * reads. The store is the real DynamoStore on DynamoDB Local.
 */
import { SESv2Client, SendEmailCommand, type SendEmailCommandInput } from "@aws-sdk/client-sesv2";
import { SesMailer } from "@redial/aws";
import { composer, type IngestDeps, ingest, runEmailTimer, type SendDeps } from "@redial/core";
import { handleSesEvent } from "@redial/functions";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { loadPlaybook } from "../../packages/functions/src/playbook.ts";
import { loadTemplates } from "../../packages/functions/src/templates.ts";
import { softNo } from "../support/core.ts";
import { freshStore } from "../support/dynamo.ts";
import { MovableClock, noTimers, silentLog } from "../support/send.ts";

const playbook = loadPlaybook();
const compose = composer(loadTemplates(), {
  publicUrl: "http://localhost:3000",
  postalAddress: "Acme, 1 Main St",
  unsubscribeKey: "test-unsubscribe-key-123",
});

/** 192 bytes of UTF-8: what is left of an id once its base64url is cut at 256 characters. */
const PREFIX = `hubspot:${"営".repeat(61)}x`;
/** 300 bytes of UTF-8 (100 characters, within the contract's 200), starting with PREFIX. */
const LONG = `${PREFIX}${"業".repeat(36)}`;

describe("a prospect id longer than an SES tag allows", () => {
  it("the ids are what the cases need: 300 bytes, and a 192-byte prefix of it", () => {
    expect(Buffer.byteLength(LONG)).toBe(300);
    expect(Buffer.byteLength(PREFIX)).toBe(192);
    expect(LONG.length).toBeLessThanOrEqual(200);
  });

  it("R0: a complaint stops that prospect's drip and suppresses the address", async () => {
    const world = await arrange();
    const address = "complaint@simulator.amazonses.com";
    await world.enrol(LONG, address);

    const sent = await world.sendFirstEmail(LONG);
    // Every tag as SES takes it (MessageTag): nothing for SES to refuse, nothing cut.
    for (const tag of sent.input.EmailTags ?? []) expect(tag.Value).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
    expect(sent.input.EmailTags?.find((tag) => tag.Name === "prospect_key")?.Value).toHaveLength(43);
    const results = await handleSesEvent(published(sent, "Complaint"), world.deps);

    expect(results).toMatchObject([{ prospectId: LONG, kind: "complained", rule: "R0", applied: true }]);
    expect(await world.suppressed(address)).toBe(true);
    expect(await world.prospect(LONG)).toMatchObject({ status: "opted_out", timers: [] });
  });

  it("R11: a hard bounce never lands on another prospect whose id is the cut tag's prefix", async () => {
    const world = await arrange();
    const address = "bounce@simulator.amazonses.com";
    await world.enrol(PREFIX, "dana@prefix.example");
    await world.enrol(LONG, address);

    const sent = await world.sendFirstEmail(LONG);
    const results = await handleSesEvent(published(sent, "Bounce"), world.deps);

    expect(results).toMatchObject([{ prospectId: LONG, kind: "bounced", rule: "R11", applied: true }]);
    expect(await world.suppressed(address)).toBe(true);
    const long = await world.prospect(LONG);
    expect(long.emailInvalid).toBe(true);
    expect(long.timers.filter((t) => t.kind === "email")).toEqual([]);
    // The other prospect heard nothing: still in its drip, its address free.
    const other = await world.prospect(PREFIX);
    expect(other.emailInvalid).toBe(false);
    expect(other.timers.some((t) => t.kind === "email")).toBe(true);
    expect(await world.suppressed("dana@prefix.example")).toBe(false);
  });
});

/** One table, a frozen clock, the SES client mocked to capture each SendEmail request. */
async function arrange() {
  const clock = new MovableClock("2026-11-17T14:30:00Z");
  const { store } = await freshStore({ clock });
  const deps: IngestDeps = { store, timers: noTimers, clock, log: silentLog, playbook };
  // One instance, not the class: mocking SESv2Client's prototype would reach other suites' clients.
  const sesClient = new SESv2Client({ region: "us-east-1" });
  const ses = mockClient(sesClient);
  let messages = 0;
  ses.on(SendEmailCommand).callsFake(async () => ({ MessageId: `0100-long-${++messages}` }));
  const mailer = new SesMailer({
    client: sesClient,
    fromDomain: "acme.example",
    configurationSet: "redial-events",
  });
  let webhooks = 0;

  const prospect = async (id: string) => {
    const stored = await store.getProspect(id);
    if (!stored) throw new Error(`prospect ${id} is not stored`);
    return stored.prospect;
  };

  return {
    deps,
    prospect,
    suppressed: async (email: string) => (await store.load({ prospectId: "-", email })).suppressed,
    /** Two soft noes (R2, then R3): the nurture drip is pending. */
    async enrol(id: string, email: string) {
      clock.set("2026-11-17T14:30:00Z");
      for (const at of ["2026-11-16T15:00:00Z", "2026-11-17T14:20:00Z"]) {
        await ingest({ webhookId: `wh-${++webhooks}`, event: softNo(at, { id, email }) }, deps);
      }
      expect((await prospect(id)).status).toBe("nurturing");
    },
    /** Runs the prospect's first email timer; the exact SendEmail request that went to SES. */
    async sendFirstEmail(id: string): Promise<{ input: SendEmailCommandInput; messageId: string }> {
      const [first] = (await prospect(id)).timers.filter((t) => t.kind === "email");
      if (!first) throw new Error(`no email timer for ${id}`);
      clock.set(first.at);
      const sendDeps: SendDeps = { ...deps, mailer, compose };
      const run = await runEmailTimer({ prospectId: id, timerId: first.id }, sendDeps);
      expect(run.result).toBe("sent");
      const input = ses.commandCalls(SendEmailCommand).at(-1)?.args[0].input;
      if (!input || !("messageId" in run) || !run.messageId) throw new Error("nothing went to SES");
      return { input, messageId: run.messageId };
    },
  };
}

/**
 * The EventBridge event SES publishes for a sent request: `mail.destination` and `mail.tags` are the
 * request's (each tag name with a list of values, SES's own `ses:` tags beside them).
 */
function published(sent: { input: SendEmailCommandInput; messageId: string }, type: "Complaint" | "Bounce") {
  const timestamp = new Date().toISOString();
  const destination = sent.input.Destination?.ToAddresses ?? [];
  const recipients = destination.map((emailAddress) => ({ emailAddress }));
  const mail = {
    timestamp,
    messageId: sent.messageId,
    destination,
    tags: {
      "ses:configuration-set": [sent.input.ConfigurationSetName ?? ""],
      ...Object.fromEntries((sent.input.EmailTags ?? []).map((tag) => [tag.Name, [tag.Value]])),
    },
  };
  const detail =
    type === "Complaint"
      ? {
          eventType: "Complaint",
          mail,
          complaint: { complainedRecipients: recipients, timestamp, complaintFeedbackType: "abuse" },
        }
      : {
          eventType: "Bounce",
          mail,
          bounce: {
            bounceType: "Permanent",
            bounceSubType: "General",
            bouncedRecipients: recipients.map((r) => ({
              ...r,
              diagnosticCode: "smtp; 550 5.1.1 user unknown",
            })),
            timestamp,
          },
        };
  return {
    version: "0",
    source: "aws.ses",
    "detail-type": type === "Complaint" ? "Email Complaint Received" : "Email Bounced",
    detail,
  };
}
