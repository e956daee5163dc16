/**
 * The SES events' Lambda entry: an EventBridge rule on the configuration set's events invokes it.
 * Wired like the API (aws-deps.ts), built on the first event rather than at import, and kept for the
 * life of the container.
 */
import type { IngestDeps } from "@redial/core";
import { baseDeps } from "../aws-deps.ts";
import { handleSesEvent } from "./handler.ts";

let deps: IngestDeps | undefined;

export const handler = async (event: unknown) => {
  deps ??= baseDeps("ses-events");
  return handleSesEvent(event, deps);
};
