import type { Prospect } from "../../schemas/prospect.ts";

/**
 * G1 at plan time: why no email may be planned for this prospect, or null when email is fine.
 * The drip engine checks the same again just before sending (suppression can change meanwhile).
 */
export function emailBlocker(prospect: Prospect, suppressed: boolean): string | null {
  if (!prospect.profile.email) return "no email address on file: email steps skipped";
  if (suppressed) return "the address is suppressed: email steps skipped (G1)";
  if (prospect.emailInvalid) return "the address bounced (R11): email steps skipped until it changes";
  if (["opted_out", "disqualified", "converted"].includes(prospect.status))
    return `no email to a ${prospect.status} prospect (G1)`;
  return null;
}
