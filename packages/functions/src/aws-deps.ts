/**
 * What every Lambda entry is wired to in AWS, built once per cold start from the environment: the
 * DynamoDB store, EventBridge Scheduler timers, and (for the functions that send) the SES mailer
 * with the templates. A missing variable fails the cold start with every wrong variable named.
 */
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { createDocumentClient, createSesClient, DynamoStore, SchedulerTimers, SesMailer } from "@redial/aws";
import {
  type Clock,
  composer,
  type IngestDeps,
  type Log,
  RedialError,
  type SendDeps,
  type Timers,
} from "@redial/core";
import { type Config, loadConfig } from "./config.ts";
import { createLog } from "./log.ts";
import { HttpNotifier } from "./notify/http-notifier.ts";
import { loadPlaybook } from "./playbook.ts";
import { loadTemplates } from "./templates.ts";
import { loggingTimers } from "./timers.ts";

/** In AWS business time is real time; only the local runtime moves `clock` away from the wall clock. */
export const systemClock: Clock = { now: () => new Date() };

export function baseDeps(service: string): IngestDeps & { config: Config } {
  const config = loadConfig();
  const log = createLog({ service });
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

/** For the functions that send: the mailer and the composer too, or a cold start that says what is missing. */
export function sendingDeps(service: string): SendDeps & { config: Config } {
  const deps = baseDeps(service);
  const { config } = deps;
  if (!config.emailDomain || !config.unsubscribeKey) {
    throw new RedialError("invalid", "Sending needs REDIAL_EMAIL_DOMAIN and REDIAL_UNSUBSCRIBE_KEY");
  }
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
export function mailerFor(config: Config): SesMailer {
  if (!config.emailDomain) throw new RedialError("invalid", "Sending needs REDIAL_EMAIL_DOMAIN");
  return new SesMailer({
    client: createSesClient(),
    fromDomain: config.emailDomain,
    ...(config.sesConfigurationSet ? { configurationSet: config.sesConfigurationSet } : {}),
  });
}

function schedulerTimers(config: Config, log: Log): Timers {
  if (!config.scheduler) {
    log.warn("timers.not_scheduled", {
      note: "REDIAL_SCHEDULE_GROUP and friends unset: timers are only logged",
    });
    return loggingTimers(log);
  }
  return new SchedulerTimers({ client: new SchedulerClient({}), log, ...config.scheduler });
}
