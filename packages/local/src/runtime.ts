/**
 * The local runtime behind `npm start`: the same HTTP app and use-cases as in AWS, wired to DynamoDB
 * Local, the SES v2 local server, the local timer loop and a movable business clock. The only
 * local-only code is this wiring, the clock and the timer loop (ARCHITECTURE.md).
 */
import type { Server } from "node:http";
import { createServer } from "node:net";
import { resolve } from "node:path";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { serve } from "@hono/node-server";
import { createDocumentClient, createSesClient, DynamoStore, SesMailer } from "@redial/aws";
import { type Clock, composer, type Log, nextRun, type SendDeps } from "@redial/core";
import {
  ALL_PARTS,
  appSettings,
  type Config,
  createApp,
  createLog,
  HttpNotifier,
  handleSesEvent,
  loadConfig,
  loadPlaybook,
  loadTemplates,
  loggingTimers,
  runWeeklyExport,
  WEEKLY_EXPORT_JOB,
} from "@redial/functions";
import { LOCAL_HOST, localHost, urlHost } from "./address.ts";
import { DevClock, systemClock } from "./clock.ts";
import { devRoutes } from "./dev-routes.ts";
import { type DynamoDbLocal, LOCAL_REGION, startDynamoDbLocal } from "./dynamodb.ts";
import { checkJava } from "./java.ts";
import { type SesLocal, startSesLocal } from "./ses.ts";
import { type RecurringJob, TimerLoop } from "./timer-loop.ts";

/**
 * The dev webhook secret: `whsec_` + base64("redial-local-dev-webhook-secret"), i.e.
 * `whsec_cmVkaWFsLWxvY2FsLWRldi13ZWJob29rLXNlY3JldA==`. Public on purpose; never use it in AWS.
 */
export const DEV_WEBHOOK_SECRET = `whsec_${Buffer.from("redial-local-dev-webhook-secret").toString("base64")}`;
/** The dev bearer token for the operator routes. Public on purpose; never use it in AWS. */
export const DEV_API_TOKEN = "dev-token-change-me";
/** Printed in every email's footer (CAN-SPAM); a team sets its own with REDIAL_POSTAL_ADDRESS. */
/** The example owners' domain, so their own addresses are the From locally. */
export const DEV_EMAIL_DOMAIN = "acme.example";
export const DEV_UNSUBSCRIBE_KEY = "redial-local-dev-unsubscribe-key";
export const DEV_POSTAL_ADDRESS = "Redial Dev, 1 Example Street, Springfield, IL 62701, USA";
/** Validated as in AWS, where SES events are routed by it; the local SES server has no configuration sets. */
export const DEV_SES_CONFIGURATION_SET = "redial-local";
export const DEFAULT_PORTS = { api: 3000, dynamodb: 8000, ses: 8005 } as const;
export const DEFAULT_TABLE = "redial";

export type LogStyle = "json" | "pretty" | "silent";

export interface RuntimeOptions {
  /** API port (PORT, 3000). 0 picks a free one, as do the two below. */
  port?: number;
  /** DynamoDB Local's port (DYNAMODB_PORT, 8000). */
  dynamoPort?: number;
  /** The SES v2 local server's port (SES_PORT, 8005). */
  sesPort?: number;
  /** Where configuration is read from; process.env by default. */
  env?: Record<string, string | undefined>;
  /** REDIAL_LOG, else `pretty`: JSON lines as in AWS, one readable line per entry, or nothing. */
  log?: LogStyle;
  /**
   * Where R12 notifies the CRM (issue 4), signed with this `whsec_…` secret; overrides
   * REDIAL_CRM_WEBHOOK_URL and REDIAL_CRM_WEBHOOK_SECRET. Neither: the CRM is not notified.
   */
  crmWebhook?: { url: string; secret: string };
}

/** Where the weekly export goes locally when REDIAL_EXPORT_RECIPIENTS is unset: the local inbox. */
export const DEV_EXPORT_RECIPIENT = "sales-team@acme.example";

/**
 * The same configuration as in AWS (functions' loadConfig), every part of it (everything runs in
 * this one process), plus where DynamoDB Local keeps data.
 */
export interface LocalConfig extends Config {
  /** REDIAL_DATA_DIR: DynamoDB Local keeps its data there; in memory when null. */
  dataDir: string | null;
}

export interface Runtime {
  /** The API, e.g. http://127.0.0.1:3000. */
  url: string;
  /** The address the API, the SES server and DynamoDB Local listen on (REDIAL_HOST, else 127.0.0.1). */
  host: string;
  port: number;
  dynamoEndpoint: string;
  /** The java process of DynamoDB Local. */
  dynamoPid: number;
  /** The SES v2 local server: the web inbox at `/`, sent mail as JSON at `/store`. */
  sesUrl: string;
  /** Business time; move it with POST /_dev/clock or directly. */
  clock: DevClock;
  /** The document client the store uses (the benchmark counts its requests). */
  client: DynamoDBDocumentClient;
  store: DynamoStore;
  loop: TimerLoop;
  config: LocalConfig;
  /** Stops the timer loop, the HTTP server, the SES server and DynamoDB Local. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const env = options.env ?? process.env;
  const host = localHost(env.REDIAL_HOST);
  const java = checkJava();
  if (!java.ok) throw new Error(java.message);

  const [port, dynamoPort, sesPort] = await Promise.all([
    resolvePort(options.port ?? envPort(env, "PORT", DEFAULT_PORTS.api), "PORT", host),
    resolvePort(
      options.dynamoPort ?? envPort(env, "DYNAMODB_PORT", DEFAULT_PORTS.dynamodb),
      "DYNAMODB_PORT",
      host,
    ),
    resolvePort(options.sesPort ?? envPort(env, "SES_PORT", DEFAULT_PORTS.ses), "SES_PORT", host),
  ]);
  const url = `http://${urlHost(host)}:${port}`;
  // Validated exactly as in AWS; only the defaults are the laptop's.
  const config: LocalConfig = {
    ...loadConfig(
      {
        ...env,
        REDIAL_WEBHOOK_SECRET: env.REDIAL_WEBHOOK_SECRET || DEV_WEBHOOK_SECRET,
        REDIAL_API_TOKEN: env.REDIAL_API_TOKEN || DEV_API_TOKEN,
        // For a person's browser, which tries both of localhost's addresses.
        REDIAL_PUBLIC_URL: env.REDIAL_PUBLIC_URL || `http://localhost:${port}`,
        REDIAL_POSTAL_ADDRESS: env.REDIAL_POSTAL_ADDRESS || DEV_POSTAL_ADDRESS,
        REDIAL_TABLE_NAME: env.REDIAL_TABLE_NAME || DEFAULT_TABLE,
        REDIAL_EMAIL_DOMAIN: env.REDIAL_EMAIL_DOMAIN || DEV_EMAIL_DOMAIN,
        REDIAL_SES_CONFIGURATION_SET: env.REDIAL_SES_CONFIGURATION_SET || DEV_SES_CONFIGURATION_SET,
        REDIAL_UNSUBSCRIBE_KEY: env.REDIAL_UNSUBSCRIBE_KEY || DEV_UNSUBSCRIBE_KEY,
        REDIAL_EXPORT_RECIPIENTS: env.REDIAL_EXPORT_RECIPIENTS || DEV_EXPORT_RECIPIENT,
      },
      ALL_PARTS,
    ),
    dataDir: env.REDIAL_DATA_DIR ? resolve(env.REDIAL_DATA_DIR) : null,
  };
  const log = createLocalLog(options.log ?? logStyle(env.REDIAL_LOG));
  // Checked before anything starts, so a bad REDIAL_DEV_NOW costs no JVM start.
  const devClock = new DevClock(systemClock, env.REDIAL_DEV_NOW || undefined);
  // The playbook names the team's zone; REDIAL_TEAM_TIMEZONE overrides it only when set.
  const playbook = loadPlaybook(env.REDIAL_PLAYBOOK || undefined, config.teamTimezone);

  const stops: (() => Promise<void>)[] = [];
  const stopAll = once(async () => {
    // Last started, first stopped: the loop and the server go before the store they use.
    for (const stop of stops.reverse()) {
      await stop().catch((error: Error) => log.warn("runtime.stop_failed", { error: error.message }));
    }
  });
  try {
    const [ses, dynamo] = await startBoth(
      () => startSesLocal({ port: sesPort, host }),
      () =>
        startDynamoDbLocal({
          port: dynamoPort,
          host,
          tableName: config.tableName,
          ...(config.dataDir ? { dataDir: config.dataDir } : {}),
        }),
    );
    stops.push(dynamo.stop, ses.stop);

    const clock = devClock;
    const client = createDocumentClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION });
    stops.push(async () => client.destroy());
    // The store keeps webhook receipts in real time (its default clock), not on the dev clock.
    const store = new DynamoStore({ client, tableName: config.tableName });
    const templates = loadTemplates(env.REDIAL_TEMPLATES || undefined, playbook);
    const mailer = new SesMailer({
      client: createSesClient({ endpoint: ses.url }),
      fromDomain: config.emailDomain,
    });
    const compose = composer(templates, {
      publicUrl: config.publicUrl,
      postalAddress: config.postalAddress,
      unsubscribeKey: config.unsubscribeKey,
    });
    // Signed on the wall clock, as in AWS: the dev clock moves business time only (CONTRACT.md).
    const crmWebhook = options.crmWebhook ?? config.crmWebhook;
    const notifier = crmWebhook ? { notifier: new HttpNotifier(crmWebhook) } : {};
    const deps: SendDeps = {
      store,
      timers: loggingTimers(log),
      clock,
      log,
      playbook,
      mailer,
      compose,
      ...notifier,
    };
    // Mail to SES's simulator addresses comes back as SES events (built by the SES stand-in from the
    // request it received, as SES does), through the handler AWS uses.
    const loop = new TimerLoop(deps, {
      afterEach: async () => {
        for (const event of ses.drainEvents()) await handleSesEvent(event, deps);
      },
      jobs: [weeklyExportJob({ ...deps, config })],
    });

    const app = createApp({
      ...deps,
      // From this runtime's environment (options.env), as the API Lambda hands its own.
      ...appSettings(config),
      wallClock: systemClock,
    });
    // On the API app itself, so its one error mapper answers for the dev routes too.
    app.route("/", devRoutes({ clock, loop }));
    const server = await listen(app.fetch, port, host);
    stops.push(() => closeServer(server));

    loop.start();
    stops.push(() => loop.stop());

    return {
      url,
      host,
      port,
      dynamoEndpoint: dynamo.endpoint,
      dynamoPid: dynamo.pid,
      sesUrl: ses.url,
      clock,
      client,
      store,
      loop,
      config,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Starts two services side by side; if one fails, the other is stopped before the error goes up. */
async function startBoth(
  a: () => Promise<SesLocal>,
  b: () => Promise<DynamoDbLocal>,
): Promise<[SesLocal, DynamoDbLocal]> {
  const [first, second] = await Promise.allSettled([a(), b()]);
  if (first.status === "fulfilled" && second.status === "fulfilled") return [first.value, second.value];
  if (first.status === "fulfilled") await first.value.stop();
  if (second.status === "fulfilled") await second.value.stop();
  throw first.status === "rejected" ? first.reason : (second as PromiseRejectedResult).reason;
}

function logStyle(value: string | undefined): LogStyle {
  if (value === undefined || value === "") return "pretty";
  if (value === "json" || value === "pretty" || value === "silent") return value;
  throw new Error(`REDIAL_LOG must be json, pretty or silent (got ${JSON.stringify(value)})`);
}

export function createLocalLog(style: LogStyle, clock: Clock = systemClock): Log {
  if (style === "json") return createLog({ service: "redial-local" });
  const write =
    style === "silent"
      ? () => {}
      : (level: string, message: string, fields?: Record<string, unknown>) => {
          const time = clock.now().toISOString().slice(11, 19);
          const details = Object.entries(fields ?? {})
            .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
            .join(" ");
          const line = `${time} ${level.padEnd(5)} ${message}${details ? ` ${details}` : ""}\n`;
          (level === "info" ? process.stdout : process.stderr).write(line);
        };
  return {
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, fields) => write("error", message, fields),
  };
}

function envPort(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === "") return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`${name} must be a port number (got ${value})`);
  return port;
}

/** A port the OS says is free right now on `host` (tests start DynamoDB Local on one). */
export const freePort = (host = LOCAL_HOST) => probe(0, host);

/** `0` becomes a free port now, so every URL (and REDIAL_PUBLIC_URL) is known before anything starts. */
async function resolvePort(port: number, name: string, host: string): Promise<number> {
  try {
    return await probe(port, host);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new Error(
        `Port ${port} is in use (another \`npm start\`?); set ${name} to another port, or 0 for any free one`,
      );
    }
    throw error;
  }
}

function probe(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address();
      const bound = typeof address === "object" && address ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}

function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  port: number,
  hostname: string,
): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server as Server));
    server.once("error", reject);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= fn();
    return running;
  };
}

/** The weekly export on the playbook's slot (Monday 07:00 team time), as the AWS cron runs it. */
function weeklyExportJob(deps: SendDeps & { config: Config }): RecurringJob {
  const { weekday, time } = deps.playbook.weeklyExport;
  const slot = { weekday, time, zone: deps.playbook.team.timezone };
  return {
    name: WEEKLY_EXPORT_JOB,
    next: (after) => nextRun(after, slot),
    run: () =>
      runWeeklyExport({
        ...deps,
        recipients: deps.config.exportRecipients,
        emailDomain: deps.config.emailDomain,
        publicUrl: deps.config.publicUrl,
      }),
  };
}
