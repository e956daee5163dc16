/**
 * How each part's variables (parts.ts) are validated and what a function reads from them. A variable
 * a part requires is required only where that part is loaded; `together` names the variables that
 * are set all or none, so a half-done set-up is named rather than silently off.
 */
import { TimeZone } from "@redial/core";
import * as z from "zod";
import { decodeSecret } from "../api/webhook-signature.ts";
import type { Part, Variable } from "./parts.ts";

const words = (value: string, separator: string | RegExp) =>
  value
    .split(separator)
    .map((word) => word.trim())
    .filter(Boolean);

/** Several secrets, space-separated, while one rotates; each long enough not to be guessed. */
const secretList = z
  .string()
  .transform((value) => words(value, /\s+/))
  .pipe(z.array(z.string().min(16, "Each secret needs at least 16 characters")).min(1));

const longEnough = z.string().min(16, "Expected at least 16 characters");

/**
 * Standard Webhooks' floor for a `whsec_` key: 24 random bytes (it allows up to 64). A shorter key
 * can be found by search from one signed delivery, and then every signature forged.
 */
export const MIN_SECRET_BYTES = 24;

/** Why a `whsec_…` secret is refused, or null. Never says what the secret is. */
function secretProblem(value: string): string | null {
  let key: Buffer;
  try {
    key = decodeSecret(value);
  } catch {
    return "is not whsec_<base64>";
  }
  return key.length < MIN_SECRET_BYTES
    ? `is shorter than ${MIN_SECRET_BYTES} bytes once decoded: use ${MIN_SECRET_BYTES} or more random bytes, e.g. whsec_$(openssl rand -base64 32)`
    : null;
}

/** Hosts an http:// CRM webhook may name: this machine only (the local runtime and tests). */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * https, or http to this machine. A CRM notice carries the prospect's profile and a signature over it:
 * over plain http anyone on the path reads the one and can replay the other.
 */
const crmWebhookUrl = z.url({ protocol: /^https?$/, error: "Expected an https URL" }).refine((value) => {
  const url = new URL(value);
  return url.protocol === "https:" || LOOPBACK_HOSTS.has(url.hostname);
}, "Expected an https URL (http only to localhost, 127.0.0.1 or [::1])");

/** The CRMs POST /v1/sources/{crm}/events accepts, with what authenticates each; unset: that CRM answers 503. */
export interface CrmSourceFields {
  hubspot?: { secrets: string[] } | undefined;
  salesforce?: { secrets: string[]; organizationId: string } | undefined;
  pipedrive?: { user: string; password: string } | undefined;
}

/** Where one-time schedules go and whom they wake; unset, timers are only logged. */
export interface SchedulerFields {
  groupName: string;
  targetArn: string;
  roleArn: string;
  deadLetterArn: string;
}

interface PartSchema<S extends z.ZodRawShape, T> {
  shape: S;
  together: (keyof S & string)[][];
  read: (e: z.output<z.ZodObject<S>>) => T;
}

const part = <S extends z.ZodRawShape, T>(
  shape: S,
  read: PartSchema<S, T>["read"],
  together: PartSchema<S, T>["together"] = [],
): PartSchema<S, T> => ({ shape, read, together });

export const SCHEMAS = {
  store: part(
    {
      REDIAL_TABLE_NAME: z.string().min(1),
      // Unset: the playbook's team.timezone stands (America/New_York in the default playbook).
      REDIAL_TEAM_TIMEZONE: TimeZone.optional(),
    },
    (e): { tableName: string; teamTimezone?: string | undefined } => ({
      tableName: e.REDIAL_TABLE_NAME,
      teamTimezone: e.REDIAL_TEAM_TIMEZONE,
    }),
  ),

  inbound: part(
    {
      REDIAL_WEBHOOK_SECRET: z
        .string()
        .transform((value) => words(value, /\s+/))
        .superRefine((secrets, ctx) => {
          if (secrets.length === 0)
            ctx.addIssue({ code: "custom", message: "Expected at least one whsec_<base64> secret" });
          secrets.forEach((secret, index) => {
            const problem = secretProblem(secret);
            if (problem) ctx.addIssue({ code: "custom", message: `Secret #${index + 1} ${problem}` });
          });
        }),
      REDIAL_API_TOKEN: longEnough,
    },
    (e) => ({ webhookSecrets: e.REDIAL_WEBHOOK_SECRET, apiToken: e.REDIAL_API_TOKEN }),
  ),

  crmSources: part(
    {
      /** The app's client secret (X-HubSpot-Signature-v3). */
      REDIAL_HUBSPOT_SECRET: secretList.optional(),
      /** The token Salesforce sends (X-Redial-Token header from a Flow, ?token= from an Outbound Message). */
      REDIAL_SALESFORCE_SECRET: secretList.optional(),
      /** The Salesforce org whose messages are accepted (Setup → Company Information), 15 or 18 characters. */
      REDIAL_SALESFORCE_ORG_ID: z
        .string()
        .regex(
          /^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/,
          "Expected an organization id: 00D…, 15 or 18 characters",
        )
        .optional(),
      /** HTTP Basic credentials set on the Pipedrive webhook. */
      REDIAL_PIPEDRIVE_USER: z
        .string()
        .max(200)
        .refine((user) => !user.includes(":"), "Must not contain ':'")
        .optional(),
      REDIAL_PIPEDRIVE_PASSWORD: longEnough.optional(),
    },
    // All optional: a CRM without its credentials answers 503 (see routes/sources.ts for why not 404).
    (e): CrmSourceFields => ({
      hubspot: e.REDIAL_HUBSPOT_SECRET ? { secrets: e.REDIAL_HUBSPOT_SECRET } : undefined,
      salesforce:
        e.REDIAL_SALESFORCE_SECRET && e.REDIAL_SALESFORCE_ORG_ID
          ? { secrets: e.REDIAL_SALESFORCE_SECRET, organizationId: e.REDIAL_SALESFORCE_ORG_ID }
          : undefined,
      pipedrive:
        e.REDIAL_PIPEDRIVE_USER && e.REDIAL_PIPEDRIVE_PASSWORD
          ? { user: e.REDIAL_PIPEDRIVE_USER, password: e.REDIAL_PIPEDRIVE_PASSWORD }
          : undefined,
    }),
    [
      ["REDIAL_SALESFORCE_SECRET", "REDIAL_SALESFORCE_ORG_ID"],
      ["REDIAL_PIPEDRIVE_USER", "REDIAL_PIPEDRIVE_PASSWORD"],
    ],
  ),

  links: part({ REDIAL_PUBLIC_URL: z.url() }, (e) => ({ publicUrl: e.REDIAL_PUBLIC_URL })),

  unsubscribe: part({ REDIAL_UNSUBSCRIBE_KEY: longEnough }, (e) => ({
    unsubscribeKey: e.REDIAL_UNSUBSCRIBE_KEY,
  })),

  sending: part(
    {
      REDIAL_EMAIL_DOMAIN: z
        .string()
        .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, "Expected a domain like acme.example"),
      // Without it SES publishes no events: bounces and complaints would never suppress (R0, R11).
      REDIAL_SES_CONFIGURATION_SET: z.string().min(1),
      REDIAL_POSTAL_ADDRESS: z.string().min(1),
    },
    (e) => ({
      emailDomain: e.REDIAL_EMAIL_DOMAIN,
      sesConfigurationSet: e.REDIAL_SES_CONFIGURATION_SET,
      postalAddress: e.REDIAL_POSTAL_ADDRESS,
    }),
  ),

  scheduler: part(
    {
      REDIAL_SCHEDULE_GROUP: z.string().min(1).optional(),
      REDIAL_TIMER_TARGET_ARN: z.string().startsWith("arn:").optional(),
      REDIAL_SCHEDULER_ROLE_ARN: z.string().startsWith("arn:").optional(),
      REDIAL_TIMER_DLQ_ARN: z.string().startsWith("arn:").optional(),
    },
    (e): { scheduler?: SchedulerFields | undefined } => ({
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
    }),
    [
      [
        "REDIAL_SCHEDULE_GROUP",
        "REDIAL_TIMER_TARGET_ARN",
        "REDIAL_SCHEDULER_ROLE_ARN",
        "REDIAL_TIMER_DLQ_ARN",
      ],
    ],
  ),

  crmWebhook: part(
    {
      REDIAL_CRM_WEBHOOK_URL: crmWebhookUrl.optional(),
      REDIAL_CRM_WEBHOOK_SECRET: z
        .string()
        .superRefine((secret, ctx) => {
          const problem = secretProblem(secret);
          if (problem)
            ctx.addIssue({ code: "custom", message: `Expected one whsec_<base64> secret: it ${problem}` });
        })
        .optional(),
    },
    (e): { crmWebhook?: { url: string; secret: string } | undefined } => ({
      crmWebhook:
        e.REDIAL_CRM_WEBHOOK_URL && e.REDIAL_CRM_WEBHOOK_SECRET
          ? { url: e.REDIAL_CRM_WEBHOOK_URL, secret: e.REDIAL_CRM_WEBHOOK_SECRET }
          : undefined,
    }),
    [["REDIAL_CRM_WEBHOOK_URL", "REDIAL_CRM_WEBHOOK_SECRET"]],
  ),

  export: part(
    {
      REDIAL_EXPORT_RECIPIENTS: z
        .string()
        .default("")
        .transform((value) => words(value, ","))
        .pipe(z.array(z.email())),
    },
    (e) => ({ exportRecipients: e.REDIAL_EXPORT_RECIPIENTS }),
  ),
  // Every variable parts.ts names for a part has a schema here (config.test.ts checks there are no others).
} satisfies { [P in Part]: { shape: Record<Variable<P>, z.ZodType> } };

/** What a part gives the function that loads it. */
export type PartFields = { [P in Part]: ReturnType<(typeof SCHEMAS)[P]["read"]> };
