/**
 * What every Lambda entry is wired to in AWS, built once per cold start from its own parts of the
 * configuration (config/functions.ts), secrets and the table from its SST links and settings from its
 * environment (config/linked-environment.ts): the DynamoDB store, EventBridge Scheduler timers, and
 * (for the functions that send) the SES mailer with the templates. A missing variable fails the cold
 * start with every wrong variable named.
 */
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { createDocumentClient, createSesClient, DynamoStore, SchedulerTimers, SesMailer } from "@redial/aws";
import { type Clock, composer, type IngestDeps, type Log, type SendDeps, type Timers } from "@redial/core";
import {
  type ConfigOf,
  FUNCTION_CONFIG,
  type FunctionConfig,
  type FunctionName,
  linkedEnvironment,
  loadConfig,
} from "./config/index.ts";
import { createLog } from "./log.ts";
import { HttpNotifier } from "./notify/http-notifier.ts";
import { loadPlaybook } from "./playbook.ts";
import { loadTemplates } from "./templates.ts";
import { loggingTimers } from "./timers.ts";

/** In AWS business time is real time; only the local runtime moves `clock` away from the wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** What the wiring reads: the store part, and the scheduler and CRM webhook where a function loads them. */
type WiredConfig = ConfigOf<"store"> & Partial<ConfigOf<"scheduler" | "crmWebhook">>;

/** The function's own parts of the configuration (config/functions.ts), and its ports. */
export function baseDeps<F extends FunctionName>(name: F): IngestDeps & { config: FunctionConfig<F> };
export function baseDeps(name: FunctionName): IngestDeps & { config: WiredConfig } {
  const config: WiredConfig = loadConfig(linkedEnvironment(), FUNCTION_CONFIG[name]);
  const log = createLog({ service: `redial-${name}` });
  return {
    config,
    log,
    clock: systemClock,
    playbook: loadPlaybook(undefined, config.teamTimezone),
    store: new DynamoStore({ client: createDocumentClient(), tableName: config.tableName }),
    timers: schedulerTimers(config, log),
    // Issue 4: with a CRM webhook configured, R12 notifies the CRM (the timer runner delivers).
    ...(config.crmWebhook ? { notifier: new HttpNotifier(config.crmWebhook) } : {}),
  };
}

/** The functions that send mail: the timer runner and the reconciliation. */
type Sender = "timers" | "reconcile";

/** For the functions that send: the mailer and the composer too. */
export function sendingDeps(name: Sender): SendDeps & { config: FunctionConfig<Sender> } {
  const deps = baseDeps(name);
  const { config } = deps;
  return {
    ...deps,
    mailer: mailerFor(config),
    compose: composer(loadTemplates(undefined, deps.playbook), {
      publicUrl: config.publicUrl,
      postalAddress: config.postalAddress,
      unsubscribeKey: config.unsubscribeKey,
    }),
  };
}

/** The SES mailer from the verified domain, with the configuration set that routes SES events. */
export function mailerFor(config: ConfigOf<"sending">): SesMailer {
  return new SesMailer({
    client: createSesClient(),
    fromDomain: config.emailDomain,
    configurationSet: config.sesConfigurationSet,
  });
}

function schedulerTimers(config: WiredConfig, log: Log): Timers {
  if (!config.scheduler) {
    log.warn("timers.not_scheduled", {
      note: "REDIAL_SCHEDULE_GROUP and friends unset: timers are only logged",
    });
    return loggingTimers(log);
  }
  return new SchedulerTimers({ client: new SchedulerClient({}), log, ...config.scheduler });
}
