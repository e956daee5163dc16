import { isInbound, type Plan, type RuleContext } from "../types.ts";

/**
 * R0: an explicit "never contact me" (opt-out event, `do_not_contact`, SES complaint, one-click
 * unsubscribe) suppresses the address for good, cancels every timer and is never recycled. It applies
 * even to a stopped prospect: suppression is the law, whatever the prospect's state.
 */
export function optOut(ctx: RuleContext): Plan {
  const { input } = ctx;
  // The address the opt-out came with first: a late opt-out is applied to the stored profile.
  const email =
    "email" in input
      ? input.email
      : isInbound(input)
        ? (input.prospect.email ?? ctx.state.profile.email)
        : ctx.state.profile.email;
  return {
    rule: "R0",
    // A customer who opts out of email stays a customer; everyone else is opted out.
    status: ctx.state.status === "converted" ? "converted" : "opted_out",
    cancel: "all",
    queue: null,
    suppress: email ? [email.toLowerCase()] : [],
    remarks: email ? [] : ["No email address on file to suppress; the prospect is stopped all the same."],
  };
}
