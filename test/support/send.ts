/**
 * Fakes for the email runner's ports: a clock that stays put until moved, a silent Log, Timers that do
 * nothing, and a recording in-memory Mailer whose faults are injected one send at a time. The Mailer is
 * the only faked part of those suites: the store is the real DynamoStore on DynamoDB Local.
 */
import {
  type Clock,
  type Log,
  type Mailer,
  type OutgoingEmail,
  RedialError,
  type Store,
  type Timers,
} from "@redial/core";

/** Business time frozen at `start`; moves only when told. */
export class MovableClock implements Clock {
  #now: number;
  constructor(start: string | Date) {
    this.#now = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#now);
  }
  set(at: string | Date): void {
    this.#now = new Date(at).getTime();
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

export const silentLog: Log = { info() {}, warn() {}, error() {} };

export const noTimers: Timers = { schedule: async () => {}, cancel: async () => {} };

export interface SentEmail {
  messageId: string;
  email: OutgoingEmail;
}

type Fault = { kind: "fail"; error: unknown } | { kind: "crash_after_send" } | { kind: "throttle" };

/**
 * Records every email it "sends". Each injected fault applies to the next send only:
 * - failNext(error): throws `error` before anything goes out;
 * - crashAfterSend(): the email goes out (is recorded), then a plain Error, as if the process died
 *   before the MessageId could be recorded;
 * - throttleNext(): RedialError("unavailable"), as SES answers a throttled or over-quota send.
 * holdNext() parks the next send before it goes out until the returned release() is called.
 */
export class RecordingMailer implements Mailer {
  readonly sent: SentEmail[] = [];
  /** Every call to send(), including the ones that threw. */
  attempts = 0;
  readonly #faults: Fault[] = [];
  readonly #holds: { gate: Promise<void>; arrive: () => void }[] = [];
  #ids = 0;

  failNext(error: unknown): void {
    this.#faults.push({ kind: "fail", error });
  }

  crashAfterSend(): void {
    this.#faults.push({ kind: "crash_after_send" });
  }

  throttleNext(): void {
    this.#faults.push({ kind: "throttle" });
  }

  /** The next send waits, before anything goes out, until release(); `reached` says it is waiting. */
  holdNext(): { reached: Promise<void>; release: () => void } {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrive = () => {};
    const reached = new Promise<void>((resolve) => {
      arrive = resolve;
    });
    this.#holds.push({ gate, arrive });
    return { reached, release };
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    this.attempts++;
    const hold = this.#holds.shift();
    if (hold) {
      hold.arrive();
      await hold.gate;
    }
    const fault = this.#faults.shift();
    if (fault?.kind === "fail") throw fault.error;
    if (fault?.kind === "throttle") {
      throw new RedialError("unavailable", "SES throttled the send (TooManyRequestsException)");
    }
    await Promise.resolve(); // a real provider answers asynchronously
    const messageId = `msg-${++this.#ids}`;
    this.sent.push({ messageId, email });
    if (fault?.kind === "crash_after_send") throw new Error("the process died after SES accepted the email");
    return { messageId };
  }
}

/**
 * The store, with `hook` run just before each claimSend (to land a change between read and claim).
 * A Proxy, so every other method of the port (whatever it grows) is the store's own.
 */
export function beforeClaim<S extends Store>(store: S, hook: () => Promise<void>): S {
  const claimSend: Store["claimSend"] = async (claim) => {
    await hook();
    return store.claimSend(claim);
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === "claimSend") return claimSend;
      const value: unknown = Reflect.get(target, property, target);
      // DynamoStore keeps #private fields: its methods must run on the store itself.
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
