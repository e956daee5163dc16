/**
 * Fault injection through the ports and the AWS SDK clients (issue 6). A plan is data: which named
 * point fails, waits or "crashes", and how often. The same plan drives a scenario test (one fault,
 * exactly where it hurts) and a soak test (`randomFaults(seed, rate)`, reproducible from its seed).
 *
 * Points are `<port>.<method>:<before|after>` for a wrapped port (`store.claimSend:after`,
 * `mailer.send:before`, `timers.schedule:before`, `notifier.deliver:after`; recording a send is
 * `store.commit`, its change carries `sent`) and `<service>.<Command>:<before|after>` for an SDK
 * client (`dynamodb.TransactWriteItems:before`, `ses.SendEmail:after`, `scheduler.CreateSchedule:before`).
 * `:before` fires before the call reaches the port or the wire, `:after` once it has taken effect
 * and before the caller sees the answer: a "fail" there is a lost response. SDK points sit inside
 * the SDK's retry middleware, so each attempt is one call and the real retry paths run.
 *
 *   fail   throws `error` (default RedialError("unavailable"), what an adapter throws for an outage).
 *   delay  waits `ms` (default 50), then goes on.
 *   crash  throws a Crash and the injector is dead from then on: every later call through it throws a
 *          Crash at `:before`, so whatever the code catches, nothing after that point reaches DynamoDB,
 *          SES or the Scheduler, as when a Lambda dies. The retry runs with other (or unwrapped) deps.
 *
 * Usage:
 *   const faults = new Faults([{ point: "mailer.send:after", kind: "crash" }]);
 *   await expect(faults.run(() => runEmailTimer(key, faults.wrap(deps)))).rejects.toBeInstanceOf(Crash);
 *   faults.client(dynamoClient, "dynamodb"); // SDK-level points on that client (and its document client)
 *   faults.count("ses.SendEmail:before");     // how many attempts reached the point
 */
import { RedialError } from "@redial/core";

export type FaultKind = "fail" | "delay" | "crash";

export interface Fault {
  /** Where; `*` matches any run of characters (`store.*:after`, `*.TransactWriteItems:before`). */
  point: string;
  kind: FaultKind;
  /** Matching calls it hits; default 1, `Infinity` for every one. */
  times?: number;
  /** Matching calls let through first; default 0. */
  skip?: number;
  /** "fail": what is thrown; a function makes a fresh error per hit. */
  error?: unknown;
  /** "delay": milliseconds, default 50. */
  ms?: number;
}

/** Each call at a matching point draws from a PRNG seeded with `seed`; with probability `rate` it faults. */
export interface RandomFaults {
  seed: number;
  rate: number;
  /** Default `["*"]`: every point. */
  points?: readonly string[];
  /** Drawn from evenly; default `["fail", "delay"]` (a crash ends the injector's life: opt in). */
  kinds?: readonly FaultKind[];
  error?: unknown;
  ms?: number;
}

export type FaultPlan = readonly (Fault | RandomFaults)[];

/** A seeded random plan; concatenate with exact faults: `[...randomFaults(7, 0.05), { point, kind }]`. */
export function randomFaults(
  seed: number,
  rate: number,
  options: Omit<RandomFaults, "seed" | "rate"> = {},
): FaultPlan {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`rate must be in [0, 1], got ${rate}`);
  return [{ seed, rate, ...options }];
}

/** The process died at `point`. Thrown by a "crash" fault, and by every call through a dead injector. */
export class Crash extends Error {
  override readonly name = "Crash";
  readonly point: string;
  constructor(point: string, after?: string) {
    super(after ? `dead since the crash at ${after} (reached ${point})` : `crash at ${point}`);
    this.point = point;
  }
}

export interface FaultHit {
  point: string;
  kind: FaultKind;
  /** The how-many-th call at this point (1-based). */
  call: number;
}

/** An AWS SDK error as a service answers it, classified by the SDK's retry strategy by name and status. */
export function awsError(name: string, options: { message?: string; status?: number; code?: string } = {}) {
  const status = options.status ?? 400;
  return Object.assign(new Error(options.message ?? `${name} (injected)`), {
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
    ...(options.code ? { code: options.code } : {}),
  });
}

interface SdkClient {
  middlewareStack: {
    add(middleware: unknown, options: Record<string, unknown>): void;
    remove(name: string): boolean;
  };
}

type Counters = { calls: number; hits: number };

let injectors = 0;

export class Faults {
  /** Every fault that fired, in order. */
  readonly hits: FaultHit[] = [];
  readonly #exact: { fault: Fault; pattern: RegExp; seen: number; hit: number }[] = [];
  readonly #random: { plan: RandomFaults; patterns: RegExp[]; next: () => number }[] = [];
  readonly #calls = new Map<string, Counters>();
  #dead: Crash | undefined;

  constructor(plan: FaultPlan = []) {
    for (const entry of plan) {
      if ("point" in entry) this.#exact.push({ fault: entry, pattern: glob(entry.point), seen: 0, hit: 0 });
      else
        this.#random.push({
          plan: entry,
          patterns: (entry.points ?? ["*"]).map(glob),
          next: mulberry32(entry.seed),
        });
    }
  }

  /** The crash that ended this injector's life, if one did. */
  get crashed(): Crash | undefined {
    return this.#dead;
  }

  /**
   * Runs `work` as this injector's one life. If a crash happened anywhere inside, the caller gets the
   * Crash and never the answer, even when the code caught it (a dead Lambda answers nothing).
   */
  async run<T>(work: () => Promise<T>): Promise<T> {
    let out: T;
    try {
      out = await work();
    } catch (error) {
      throw this.#dead ?? error;
    }
    if (this.#dead) throw this.#dead;
    return out;
  }

  /** How many calls reached `point` (faulted ones included). */
  count(point: string): number {
    return this.#calls.get(point)?.calls ?? 0;
  }

  /** `deps` with its store, mailer, timers and notifier (those present) wrapped; everything else as is. */
  wrap<D extends object>(deps: D): D {
    const out = { ...deps } as Record<string, unknown>;
    for (const name of ["store", "mailer", "timers", "notifier"]) {
      const port = out[name];
      if (port && typeof port === "object") out[name] = this.port(name, port);
    }
    return out as D;
  }

  /** One port, every method wrapped with its `<name>.<method>:before/after` points. */
  port<P extends object>(name: string, port: P): P {
    const cache = new Map<PropertyKey, unknown>();
    return new Proxy(port, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== "function" || typeof property !== "string") return value;
        if (!cache.has(property)) {
          // Adapters keep #private fields: their methods must run on the adapter itself.
          const method = (value as (...args: unknown[]) => unknown).bind(target);
          cache.set(property, this.#wrapMethod(`${name}.${property}`, method, value));
        }
        return cache.get(property);
      },
    });
  }

  /**
   * SDK-level points on `client` (a DynamoDBClient, its document client, an SESv2Client, a
   * SchedulerClient): `<service>.<Command>:before/after`, inside the retry middleware. Returns a
   * function that takes the middleware off again.
   */
  client(client: SdkClient, service: string): () => void {
    const name = `redialFaults${++injectors}`;
    client.middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: unknown) => {
          const point = `${service}.${(context.commandName ?? "Unknown").replace(/Command$/, "")}`;
          await this.#at(`${point}:before`);
          const out = await next(args);
          await this.#at(`${point}:after`);
          return out;
        },
      { step: "finalizeRequest", priority: "low", name },
    );
    return () => {
      client.middlewareStack.remove(name);
    };
  }

  #wrapMethod(point: string, method: (...args: unknown[]) => unknown, original: unknown) {
    // Async iterables (Store.enteredQueue) stay iterables: the points fire around the whole stream.
    if (isAsyncGenerator(original)) {
      const at = (p: string) => this.#at(p);
      return async function* (...args: unknown[]) {
        await at(`${point}:before`);
        yield* method(...args) as AsyncIterable<unknown>;
        await at(`${point}:after`);
      };
    }
    return async (...args: unknown[]) => {
      await this.#at(`${point}:before`);
      const out = await method(...args);
      await this.#at(`${point}:after`);
      return out;
    };
  }

  async #at(point: string): Promise<void> {
    if (this.#dead) throw new Crash(point, this.#dead.point);
    const counters = this.#calls.get(point) ?? { calls: 0, hits: 0 };
    counters.calls++;
    this.#calls.set(point, counters);
    const fault = this.#pick(point);
    if (!fault) return;
    this.hits.push({ point, kind: fault.kind, call: counters.calls });
    counters.hits++;
    if (fault.kind === "delay") {
      await new Promise((resolve) => setTimeout(resolve, fault.ms ?? 50));
      return;
    }
    if (fault.kind === "crash") {
      this.#dead = new Crash(point);
      throw this.#dead;
    }
    const error = typeof fault.error === "function" ? (fault.error as () => unknown)() : fault.error;
    throw error ?? new RedialError("unavailable", `Injected fault at ${point}`);
  }

  /** The first exact fault due at this call, else a random draw (one draw per random plan and call). */
  #pick(point: string): { kind: FaultKind; error?: unknown; ms?: number } | undefined {
    for (const entry of this.#exact) {
      if (!entry.pattern.test(point)) continue;
      entry.seen++;
      if (entry.seen <= (entry.fault.skip ?? 0) || entry.hit >= (entry.fault.times ?? 1)) continue;
      entry.hit++;
      return entry.fault;
    }
    for (const { plan, patterns, next } of this.#random) {
      if (!patterns.some((p) => p.test(point))) continue;
      const draw = next();
      const kindDraw = next();
      if (draw >= plan.rate) continue;
      const kinds = plan.kinds ?? ["fail", "delay"];
      const kind = kinds[Math.floor(kindDraw * kinds.length)] ?? "fail";
      return { kind, error: plan.error, ...(plan.ms === undefined ? {} : { ms: plan.ms }) };
    }
    return undefined;
  }
}

const glob = (pattern: string) => new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`);
const escapeRegExp = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");

const isAsyncGenerator = (fn: unknown) =>
  typeof fn === "function" && Object.getPrototypeOf(fn)?.constructor?.name === "AsyncGeneratorFunction";

/** A small, fast, seedable PRNG (public domain): the same seed gives the same faults. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
