/**
 * Composes the email of one timer: the template rendered for the prospect (G5: a missing variable
 * throws, nothing half-rendered goes out), the owner as sender and reply-to, and G4's one-click
 * unsubscribe (RFC 8058 headers and a visible link) with the team's postal address. Pure.
 */
import { createHash } from "node:crypto";
import { footer, type TemplateSet, withFooter } from "../email/templates.ts";
import { RedialError } from "../errors.ts";
import type { OutgoingEmail } from "../ports.ts";
import type { Prospect, Timer } from "../schemas/prospect.ts";
import { signUnsubscribeToken } from "../unsubscribe/token.ts";

export interface ComposeSettings {
  /** Base URL of the API: unsubscribe links are `<publicUrl>/u/<token>`. */
  publicUrl: string;
  postalAddress: string;
  /** HMAC key of unsubscribe tokens. */
  unsubscribeKey: string;
  teamName?: string;
}

/**
 * The short stable key an email's `prospect_key` tag carries instead of the prospect's id: SES tag
 * values are at most 256 characters of [A-Za-z0-9_-] (SES API reference, MessageTag), and an id is up
 * to 200 characters of anything, 800 bytes of UTF-8. SHA-256, base64url: 43 characters for any id,
 * and two ids never share one in practice. It cannot be decoded: the store maps it back
 * (Store.prospectByKey), from the item the send's claim wrote.
 */
export const prospectKey = (prospectId: string) =>
  createHash("sha256").update(prospectId, "utf8").digest("base64url");

/**
 * The tag of emails sent before `prospect_key`: the id base64url-encoded, cut at 256 characters by the
 * mailer. Still read (ses-event.ts) for the complaints and bounces of those emails that come late.
 */
export const prospectTag = (prospectId: string) => Buffer.from(prospectId).toString("base64url");
export const prospectFromTag = (tag: string) => Buffer.from(tag, "base64url").toString("utf8");

export function composer(templates: TemplateSet, settings: ComposeSettings) {
  return (prospect: Prospect, timer: Timer): OutgoingEmail => {
    const { profile } = prospect;
    if (!profile.email) throw new RedialError("invalid", "No email address on file");
    if (!timer.template) throw new RedialError("invalid", `Timer ${timer.id} names no template`);
    const ownerName = profile.owner?.name ?? settings.teamName ?? "Sales team";
    const rendered = templates.render(timer.template, {
      prospect: { ...profile },
      owner: { ...profile.owner, name: ownerName, firstName: ownerName.split(/\s+/)[0] },
      team: { name: settings.teamName },
    });
    const token = signUnsubscribeToken(settings.unsubscribeKey, {
      prospectId: prospect.id,
      email: profile.email,
    });
    const unsubscribeUrl = `${settings.publicUrl.replace(/\/+$/, "")}/u/${token}`;
    const body = withFooter(rendered, footer({ unsubscribeUrl, postalAddress: settings.postalAddress }));
    const ownerAddress = profile.owner?.email;
    return {
      to: profile.email,
      from: { name: ownerName, address: ownerAddress ?? "sales@invalid" },
      replyTo: ownerAddress ? [ownerAddress] : [],
      subject: body.subject,
      text: body.text,
      html: body.html,
      headers: [
        { name: "List-Unsubscribe", value: `<${unsubscribeUrl}>` },
        { name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click" },
      ],
      tags: {
        prospect_key: prospectKey(prospect.id),
        sequence: timer.sequence ?? "none",
        step: String(timer.step ?? 0),
        timer: timer.id.replace(/[^A-Za-z0-9_-]/g, "_"),
      },
    };
  };
}
