/**
 * The Mailer port over SES v2: one SendEmailCommand per email, Simple content (SES builds the MIME
 * message) with the G4 headers passed as custom headers, sent as the owner through the team's
 * verified domain, and tagged so SES events (bounce, complaint, delivery) find the prospect again.
 */
import {
  type MessageTag,
  type SESv2Client,
  SendEmailCommand,
  type SendEmailCommandInput,
} from "@aws-sdk/client-sesv2";
import { type Mailer, type OutgoingEmail, RedialError } from "@redial/core";

export interface SesMailerOptions {
  client: SESv2Client;
  /** Routes SES events (bounces, complaints, deliveries) to EventBridge; absent locally. */
  configurationSet?: string;
  /** The domain verified in SES: every email goes out from an address at it. */
  fromDomain: string;
}

export class SesMailer implements Mailer {
  readonly #client: SESv2Client;
  readonly #configurationSet: string | undefined;
  readonly #fromDomain: string;

  constructor(options: SesMailerOptions) {
    this.#client = options.client;
    this.#configurationSet = options.configurationSet;
    this.#fromDomain = options.fromDomain;
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const command = new SendEmailCommand(sendEmailInput(email, this.#fromDomain, this.#configurationSet));
    let messageId: string | undefined;
    try {
      ({ MessageId: messageId } = await this.#client.send(command));
    } catch (error) {
      throw mailerError(error);
    }
    // SES accepted it but said nothing we can record: surface it rather than invent an id.
    if (!messageId) throw new Error("SES accepted the email but returned no MessageId");
    return { messageId };
  }
}

/** The one SendEmail request for an email. */
function sendEmailInput(
  email: OutgoingEmail,
  fromDomain: string,
  configurationSet?: string,
): SendEmailCommandInput {
  const utf8 = (Data: string) => ({ Data, Charset: "UTF-8" });
  const tags = messageTags(email.tags);
  return {
    FromEmailAddress: fromAddress(email.from, fromDomain),
    ...(email.replyTo.length ? { ReplyToAddresses: email.replyTo } : {}),
    Destination: { ToAddresses: [email.to] },
    Content: {
      Simple: {
        Subject: utf8(email.subject),
        Body: { Text: utf8(email.text), Html: utf8(email.html) },
        ...(email.headers.length
          ? { Headers: email.headers.map(({ name, value }) => ({ Name: name, Value: value })) }
          : {}),
        ...(email.attachments?.length
          ? {
              Attachments: email.attachments.map((file) => ({
                FileName: file.filename,
                ContentType: file.contentType,
                ContentDisposition: "ATTACHMENT" as const,
                RawContent: Buffer.from(file.content, "utf8"),
              })),
            }
          : {}),
      },
    },
    ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
    ...(tags.length ? { EmailTags: tags } : {}),
  };
}

// ——— From: the owner's name, an address at the verified domain ———

/** Local-part fallback when nothing of the owner's address survives sanitising. */
const FALLBACK_LOCAL_PART = "sales";
/** RFC 2047: an encoded word is at most 75 characters; `=?UTF-8?B?` + `?=` leave 63, so 45 bytes. */
const ENCODED_WORD_BYTES = 45;

/**
 * `"Wendy Ward" <wendy@verified.example>`. SES only sends from a verified identity, so an owner at
 * another domain sends from the same local part at `fromDomain` (replies still go to Reply-To).
 */
export function fromAddress(owner: OutgoingEmail["from"], fromDomain: string): string {
  const address = senderAddress(owner.address, fromDomain);
  const name = displayName(owner.name ?? "");
  return name ? `${name} <${address}>` : address;
}

function senderAddress(ownerAddress: string, fromDomain: string): string {
  const address = ownerAddress.trim();
  const at = address.lastIndexOf("@");
  if (at > 0 && address.slice(at + 1).toLowerCase() === fromDomain.toLowerCase()) return address;
  return `${localPart(at > 0 ? address.slice(0, at) : address)}@${fromDomain}`;
}

/** A plain dot-atom in ASCII (SES accepts no non-ASCII local part): `José Luis` → `jose-luis`. */
function localPart(raw: string): string {
  const part = raw
    .normalize("NFKD")
    .replace(/\p{M}/gu, "") // the accents NFKD split off
    .toLowerCase()
    .replace(/[^a-z0-9._+-]+/g, "-")
    .replace(/\.{2,}/g, ".")
    .replace(/^[.-]+|[.-]+$/g, "")
    .slice(0, 64)
    .replace(/[.-]+$/, "");
  return part || FALLBACK_LOCAL_PART;
}

/**
 * A quoted string for a printable-ASCII name, RFC 2047 encoded words otherwise (an encoded word inside
 * quotes is not decoded). Control characters, CR and LF above all, never reach the header.
 */
function displayName(name: string): string {
  const clean = name
    .replace(/\p{Cc}+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (!clean) return "";
  if (/^[\x20-\x7e]+$/.test(clean)) return `"${clean.replace(/[\\"]/g, "\\$&")}"`;
  const words: string[] = [];
  let chunk = "";
  for (const char of clean) {
    if (Buffer.byteLength(chunk + char) > ENCODED_WORD_BYTES) {
      words.push(chunk);
      chunk = "";
    }
    chunk += char;
  }
  words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word).toString("base64")}?=`).join(" ");
}

// ——— Tags ———

/** SES allows only these characters, at most 256 of them, in tag names and values (MessageTag). */
const TAG_MAX = 256;
const tagSafe = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, "_");

/**
 * A name or value too long for SES is left off, not cut: a cut value is another value, and the SES
 * events that carry it back would name something else (a prefix of a prospect's id once named another
 * prospect). Core's tags all fit (a prospect travels as its 43-character key).
 */
function messageTags(tags: Record<string, string>): MessageTag[] {
  return Object.entries(tags)
    .map(([name, value]) => ({ Name: tagSafe(name), Value: tagSafe(value) }))
    .filter((tag) => tag.Name && tag.Value && tag.Name.length <= TAG_MAX && tag.Value.length <= TAG_MAX);
}

// ——— Errors ———

/** Throttled, over quota or paused: the send is deferred and retried, never dropped. */
const UNAVAILABLE = new Set([
  "TooManyRequestsException",
  "ThrottlingException",
  "Throttling",
  "LimitExceededException",
  "SendingPausedException",
]);
/** SES refused this email for good: the caller records a failed send. */
const INVALID = new Set([
  "MessageRejected",
  "MailFromDomainNotVerifiedException",
  "NotFoundException",
  "BadRequestException",
]);
const QUOTA = /maximum sending rate exceeded|daily message quota exceeded/i;

/** SES failures in core's vocabulary; anything else (a bug, a network failure) escapes unchanged. */
export function mailerError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const detail = `${error.name}: ${error.message}`;
  let mapped: RedialError | null = null;
  if (UNAVAILABLE.has(error.name) || QUOTA.test(error.message)) {
    mapped = new RedialError("unavailable", `SES is throttling or over quota (${detail}); retry later`);
  } else if (INVALID.has(error.name)) {
    mapped = new RedialError("invalid", `SES refused the email (${detail})`);
  }
  if (!mapped) return error;
  mapped.cause = error;
  return mapped;
}
