/**
 * The environment, parsed once at start-up (CONTRACT.md "Configuration"). A bad deployment fails
 * with every wrong variable named at once, and without echoing a secret's value.
 */
import { TimeZone } from "@redial/core";
import * as z from "zod";
import { decodeSecret } from "./api/webhook-signature.ts";

const words = (value: string, separator: string | RegExp) =>
  value
    .split(separator)
    .map((word) => word.trim())
    .filter(Boolean);

const Env = z.object({
  REDIAL_WEBHOOK_SECRET: z
    .string()
    .transform((value) => words(value, /\s+/))
    .superRefine((secrets, ctx) => {
      if (secrets.length === 0)
        ctx.addIssue({ code: "custom", message: "Expected at least one whsec_<base64> secret" });
      secrets.forEach((secret, index) => {
        try {
          decodeSecret(secret);
        } catch {
          ctx.addIssue({ code: "custom", message: `Secret #${index + 1} is not whsec_<base64>` });
        }
      });
    }),
  REDIAL_API_TOKEN: z.string().min(16, "Expected at least 16 characters"),
  REDIAL_PUBLIC_URL: z.url(),
  // Unset: the playbook's team.timezone stands (America/New_York in the default playbook).
  REDIAL_TEAM_TIMEZONE: TimeZone.optional(),
  REDIAL_EXPORT_RECIPIENTS: z
    .string()
    .default("")
    .transform((value) => words(value, ","))
    .pipe(z.array(z.email())),
  REDIAL_POSTAL_ADDRESS: z.string().min(1),
  REDIAL_TABLE_NAME: z.string().min(1),
  // Sending (issue 3): the domain verified in SES, and the key that signs unsubscribe links.
  REDIAL_EMAIL_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, "Expected a domain like acme.example")
    .optional(),
  REDIAL_UNSUBSCRIBE_KEY: z.string().min(16, "Expected at least 16 characters").optional(),
  REDIAL_SES_CONFIGURATION_SET: z.string().min(1).optional(),
  // EventBridge Scheduler (issue 3): where one-time schedules go and whom they wake.
  REDIAL_SCHEDULE_GROUP: z.string().min(1).optional(),
  REDIAL_TIMER_TARGET_ARN: z.string().startsWith("arn:").optional(),
  REDIAL_SCHEDULER_ROLE_ARN: z.string().startsWith("arn:").optional(),
  REDIAL_TIMER_DLQ_ARN: z.string().startsWith("arn:").optional(),
  // Notifying the CRM (issue 4): both or neither (checked in loadConfig).
  REDIAL_CRM_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: "Expected an http(s) URL" }).optional(),
  REDIAL_CRM_WEBHOOK_SECRET: z.string().refine(isSecret, "Expected one whsec_<base64> secret").optional(),
});

function isSecret(value: string): boolean {
  try {
    decodeSecret(value);
    return true;
  } catch {
    return false;
  }
}

export interface Config {
  webhookSecrets: string[];
  apiToken: string;
  publicUrl: string;
  /** Overrides the playbook's `team.timezone` when set. */
  teamTimezone?: string | undefined;
  exportRecipients: string[];
  postalAddress: string;
  tableName: string;
  /** Sending needs both; the API alone does not. */
  emailDomain?: string | undefined;
  unsubscribeKey?: string | undefined;
  sesConfigurationSet?: string | undefined;
  /** All four or none: without them timers are only logged (the local runtime polls instead). */
  scheduler?: { groupName: string; targetArn: string; roleArn: string; deadLetterArn: string } | undefined;
  /** Where R12's notices go, signed with Standard Webhooks (issue 4); unset: the CRM is not notified. */
  crmWebhook?: { url: string; secret: string } | undefined;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Blank counts as unset (a stage may define a variable as ""); stray whitespace, e.g. a trailing
  // newline pasted into a secret, is not part of the value.
  const given = Object.fromEntries(
    Object.keys(Env.shape).map((name) => [name, env[name]?.trim() || undefined]),
  );
  const parsed = Env.safeParse(given);
  const issues = [...(parsed.error?.issues ?? []), ...bothOrNeither(given)];
  if (!parsed.success || issues.length) {
    const problems = issues.map((issue) => {
      const name = String(issue.path[0]);
      // Never print the value: it may be a secret.
      const message = given[name] === undefined ? "is not set" : issue.message;
      return `  ${name}${issue.path.length > 1 ? `[${issue.path.slice(1).join(".")}]` : ""}: ${message}`;
    });
    throw new Error(`Invalid configuration:\n${problems.join("\n")}`);
  }
  const e = parsed.data;
  return {
    webhookSecrets: e.REDIAL_WEBHOOK_SECRET,
    apiToken: e.REDIAL_API_TOKEN,
    publicUrl: e.REDIAL_PUBLIC_URL,
    teamTimezone: e.REDIAL_TEAM_TIMEZONE,
    exportRecipients: e.REDIAL_EXPORT_RECIPIENTS,
    postalAddress: e.REDIAL_POSTAL_ADDRESS,
    tableName: e.REDIAL_TABLE_NAME,
    emailDomain: e.REDIAL_EMAIL_DOMAIN,
    unsubscribeKey: e.REDIAL_UNSUBSCRIBE_KEY,
    sesConfigurationSet: e.REDIAL_SES_CONFIGURATION_SET,
    scheduler:
      e.REDIAL_SCHEDULE_GROUP &&
      e.REDIAL_TIMER_TARGET_ARN &&
      e.REDIAL_SCHEDULER_ROLE_ARN &&
      e.REDIAL_TIMER_DLQ_ARN
        ? {
            groupName: e.REDIAL_SCHEDULE_GROUP,
            targetArn: e.REDIAL_TIMER_TARGET_ARN,
            roleArn: e.REDIAL_SCHEDULER_ROLE_ARN,
            deadLetterArn: e.REDIAL_TIMER_DLQ_ARN,
          }
        : undefined,
    crmWebhook:
      e.REDIAL_CRM_WEBHOOK_URL && e.REDIAL_CRM_WEBHOOK_SECRET
        ? { url: e.REDIAL_CRM_WEBHOOK_URL, secret: e.REDIAL_CRM_WEBHOOK_SECRET }
        : undefined,
  };
}

/** A URL without its secret (or the reverse) is a half-done set-up: say so rather than stay silent. */
function bothOrNeither(
  given: Record<string, string | undefined>,
): { path: PropertyKey[]; message: string }[] {
  const pair = ["REDIAL_CRM_WEBHOOK_URL", "REDIAL_CRM_WEBHOOK_SECRET"];
  if (pair.every((name) => given[name] === undefined) || pair.every((name) => given[name] !== undefined))
    return [];
  return pair
    .filter((name) => given[name] === undefined)
    .map((name) => ({ path: [name], message: "is not set" }));
}
