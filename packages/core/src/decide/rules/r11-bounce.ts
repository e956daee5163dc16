import type { Plan, RuleContext } from "../types.ts";

/**
 * R11: a hard bounce. The address is suppressed and the drips stop, but the calls go on: a bad email
 * address says nothing about the prospect. The rep sees `emailInvalid` and can fix the address (R13).
 */
export function bounced(ctx: RuleContext, email: string): Plan {
  return {
    rule: "R11",
    cancel: "email",
    emailInvalid: true,
    suppress: [email.toLowerCase()],
    remarks:
      ctx.state.profile.email?.toLowerCase() === email.toLowerCase()
        ? []
        : ["Bounced address differs from the profile's."],
  };
}
