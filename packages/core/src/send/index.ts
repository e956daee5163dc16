export { type ComposeSettings, composer, prospectFromTag, prospectKey, prospectTag } from "./compose.ts";
export { afterSend, type SendChange, type SendOutcome } from "./outcome.ts";
export { type EmailRun, runEmailTimer, type SendDeps } from "./run-email.ts";
export { sendVerdict, type Verdict } from "./verdict.ts";
