/**
 * @redial/functions: the Lambda entry points and what they share. The local runtime imports the same
 * app from here and serves it with Node.
 */
export { type ApiConfig, type AppDeps, appSettings, createApp } from "./api/app.ts";
export { signWebhook, verifyWebhook, webhookHeaders } from "./api/webhook-signature.ts";
export {
  ALL_PARTS,
  type Config,
  type ConfigOf,
  type CrmSources,
  FUNCTION_CONFIG,
  type FunctionConfig,
  type FunctionName,
  LINKED,
  linkedEnvironment,
  loadConfig,
  loadFunctionConfig,
  PARTS,
  type Part,
  withLinks,
} from "./config/index.ts";
export { csvStream, csvText } from "./export/csv.ts";
export {
  MAX_ATTACHMENT_BYTES,
  runWeeklyExport,
  WEEKLY_EXPORT_JOB,
  type WeeklyExportDeps,
  type WeeklyExportResult,
} from "./export/weekly.ts";
export { createLog } from "./log.ts";
export { HttpNotifier, type HttpNotifierOptions } from "./notify/http-notifier.ts";
export { loadPlaybook } from "./playbook.ts";
export { DEFAULT_PLAYBOOK_PATH, DEFAULT_TEMPLATES_DIR, readTemplateSources } from "./playbook-files.ts";
export { handleSesEvent, type SesEventResult } from "./ses-events/handler.ts";
export { loadTemplates } from "./templates.ts";
export { loggingTimers } from "./timers.ts";
