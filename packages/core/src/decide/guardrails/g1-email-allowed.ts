import { isTerminal, type Status } from "../../schemas/prospect.ts";

/**
 * G1 at plan time: why no email may be planned for this prospect, or null when email is fine.
 * The drip engine checks the same again just before sending (suppression can change meanwhile).
 */
export function emailBlocker(p: {
  email?: string | undefined;
  status: Status;
  emailInvalid: boolean;
  suppressed: boolean;
}): string | null {
  if (!p.email) return "no email address on file: email steps skipped";
  if (p.suppressed) return "the address is suppressed: email steps skipped (G1)";
  if (p.emailInvalid) return "the address bounced (R11): email steps skipped until it changes";
  if (isTerminal(p.status)) return `no email to a ${p.status} prospect (G1)`;
  return null;
}
