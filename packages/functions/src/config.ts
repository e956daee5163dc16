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

/** Several secrets, space-separated, while one rotates; each long enough not to be guessed. */
const secretList = z
  .string()
  .transform((value) => words(value, /\s+/))
  .pipe(z.array(z.string().min(16, "Each secret needs at least 16 characters")).min(1));

/**
 * The CRM sources of POST /v1/sources/{crm}/events (issue 7, docs/crm/): each CRM's own credentials.
 * All optional: a CRM without them answers 503 (see routes/sources.ts for why not 404).
 */
const CrmEnv = z.object({
  /** The app's client secret (X-HubSpot-Signature-v3). */
  REDIAL_HUBSPOT_SECRET: secretList.optional(),
  /** The token Salesforce sends (X-Redial-Token header from a Flow, ?token= from an Outbound Message). */
  REDIAL_SALESFORCE_SECRET: secretList.optional(),
  /** The Salesforce org whose messages are accepted (Setup → Company Information), 15 or 18 characters. */
  REDIAL_SALESFORCE_ORG_ID: z
    .string()
    .regex(/^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/, "Expected an organization id: 00D…, 15 or 18 characters")
    .optional(),
  /** HTTP Basic credentials set on the Pipedrive webhook. */
  REDIAL_PIPEDRIVE_USER: z
    .string()
    .max(200)
    .refine((user) => !user.includes(":"), "Must not contain ':'")
    .optional(),
  REDIAL_PIPEDRIVE_PASSWORD: z.string().min(16, "Expected at least 16 characters").optional(),
});

const Env = z.object({
  ...CrmEnv.shape,
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
  /** CRM sources (issue 7); each unset when its variables are. */
  hubspot?: CrmSources["hubspot"];
  salesforce?: CrmSources["salesforce"];
  pipedrive?: CrmSources["pipedrive"];
}

/** The CRMs POST /v1/sources/{crm}/events accepts, with what authenticates each. */
export interface CrmSources {
  hubspot?: { secrets: string[] } | undefined;
  salesforce?: { secrets: string[]; organizationId: string } | undefined;
  pipedrive?: { user: string; password: string } | undefined;
  /** REDIAL_PUBLIC_URL: HubSpot signs the URL it called, which behind a proxy is not the one that arrives. */
  publicUrl?: string | undefined;
}

const CRM_PAIRS = [
  ["REDIAL_SALESFORCE_SECRET", "REDIAL_SALESFORCE_ORG_ID"],
  ["REDIAL_PIPEDRIVE_USER", "REDIAL_PIPEDRIVE_PASSWORD"],
];

/**
 * Only the CRM sources' variables, for the sources route when it is not handed them: in AWS and
 * locally the same REDIAL_* variables loadConfig() reads.
 */
export function loadCrmSources(env: Record<string, string | undefined> = process.env): CrmSources {
  const given = Object.fromEntries(
    [...Object.keys(CrmEnv.shape), "REDIAL_PUBLIC_URL"].map((name) => [name, env[name]?.trim() || undefined]),
  );
  const parsed = CrmEnv.safeParse(given);
  const issues = [
    ...(parsed.error?.issues ?? []),
    ...CRM_PAIRS.flatMap((pair) => bothOrNeither(given, pair)),
  ];
  if (!parsed.success || issues.length) {
    // Never the value: it is a secret.
    const problems = issues.map((issue) => `  ${String(issue.path[0])}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${problems.join("\n")}`);
  }
  return { ...crmSourcesOf(parsed.data), publicUrl: given.REDIAL_PUBLIC_URL };
}

function crmSourcesOf(e: z.infer<typeof CrmEnv>): Omit<CrmSources, "publicUrl"> {
  return {
    hubspot: e.REDIAL_HUBSPOT_SECRET ? { secrets: e.REDIAL_HUBSPOT_SECRET } : undefined,
    salesforce:
      e.REDIAL_SALESFORCE_SECRET && e.REDIAL_SALESFORCE_ORG_ID
        ? { secrets: e.REDIAL_SALESFORCE_SECRET, organizationId: e.REDIAL_SALESFORCE_ORG_ID }
        : undefined,
    pipedrive:
      e.REDIAL_PIPEDRIVE_USER && e.REDIAL_PIPEDRIVE_PASSWORD
        ? { user: e.REDIAL_PIPEDRIVE_USER, password: e.REDIAL_PIPEDRIVE_PASSWORD }
        : undefined,
  };
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Blank counts as unset (a stage may define a variable as ""); stray whitespace, e.g. a trailing
  // newline pasted into a secret, is not part of the value.
  const given = Object.fromEntries(
    Object.keys(Env.shape).map((name) => [name, env[name]?.trim() || undefined]),
  );
  const parsed = Env.safeParse(given);
  const issues = [
    ...(parsed.error?.issues ?? []),
    ...bothOrNeither(given),
    ...CRM_PAIRS.flatMap((pair) => bothOrNeither(given, pair)),
  ];
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
    ...crmSourcesOf(e),
  };
}

/** A URL without its secret (or the reverse) is a half-done set-up: say so rather than stay silent. */
function bothOrNeither(
  given: Record<string, string | undefined>,
  pair = ["REDIAL_CRM_WEBHOOK_URL", "REDIAL_CRM_WEBHOOK_SECRET"],
): { path: PropertyKey[]; message: string }[] {
  if (pair.every((name) => given[name] === undefined) || pair.every((name) => given[name] !== undefined))
    return [];
  return pair
    .filter((name) => given[name] === undefined)
    .map((name) => ({ path: [name], message: "is not set" }));
}
