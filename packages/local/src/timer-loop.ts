/**
 * The local stand-in for EventBridge Scheduler: every second, and on demand after the dev clock
 * moves, it reads the due index (`store.listDueTimers`) and runs what came due, oldest first. The
 * store stays the truth (ARCHITECTURE.md), so the loop needs no schedule of its own and a restart
 * loses nothing. Every timer goes through core's runDueTimer, as in AWS: emails are sent, recycles and
 * callbacks enter the call queue (R12), call retries too (R2, R8), CRM notices are delivered.
 */
import { type DueResult, runDueTimer, type SendDeps, type TimerKind } from "@redial/core";

export interface FiredTimer {
  prospectId: string;
  timerId: string;
  kind: TimerKind;
  /** When it was due (UTC). */
  at: string;
  /** The playbook rule that planned it (R2, R4, …). */
  rule: string;
  /**
   * `applied`: a recycle or callback decided (see `decision`); `sent`, `deferred`, `dropped`, `held`,
   * `unknown`, `failed` for an email (see `detail`); `stale`: no longer pending when run; `failed` with
   * `error`: retried on the next tick.
   */
  result: DueResult["result"] | "failed";
  decision?: { rule: string; applied: boolean; status: string };
  detail?: string;
  messageId?: string;
  error?: string;
}

/**
 * A job on a calendar (the weekly export): the local stand-in for an EventBridge Scheduler cron. It
 * runs when business time reaches `next(previous run)`; moving the clock across a slot stops there.
 */
export interface RecurringJob {
  name: string;
  /** The first slot strictly after `after`. */
  next(after: Date): Date;
  run(): Promise<unknown>;
}

export interface JobRun {
  job: string;
  at: string;
  result?: unknown;
  error?: string;
}

/** A job that keeps failing gives up its slot after this many tries and waits for the next one. */
const JOB_TRIES = 3;
const JOB_RETRY_MS = 60_000;

export interface TimerLoopOptions {
  /** Scheduled jobs, checked on every run of the loop. */
  jobs?: RecurringJob[];
  intervalMs?: number;
  /** Due timers read per page. */
  batchSize?: number;
  /** Runs after each timer, once its outcome is stored (the mailbox simulator's events go here). */
  afterEach?: () => Promise<void>;
}

export class TimerLoop {
  readonly #deps: SendDeps;
  readonly #afterEach: (() => Promise<void>) | undefined;
  readonly #intervalMs: number;
  readonly #batchSize: number;
  readonly #jobs: { job: RecurringJob; due: Date; slot: Date; tries: number }[];
  /** Every job run so far, newest last (the dev routes and tests read it). */
  readonly jobRuns: JobRun[] = [];
  #interval: NodeJS.Timeout | undefined;
  /** Runs started or waiting; a tick adds none while there is one. */
  #pending = 0;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(deps: SendDeps, options: TimerLoopOptions = {}) {
    this.#deps = deps;
    this.#afterEach = options.afterEach;
    this.#intervalMs = options.intervalMs ?? 1_000;
    this.#batchSize = options.batchSize ?? 100;
    const now = deps.clock.now();
    this.#jobs = (options.jobs ?? []).map((job) => {
      const slot = job.next(now);
      return { job, due: slot, slot, tries: 0 };
    });
  }

  start(): void {
    if (this.#interval) return;
    this.#interval = setInterval(() => this.#tick(), this.#intervalMs);
    this.#interval.unref();
  }

  /** Stops ticking and waits for a run in progress, so nothing writes after the store goes away. */
  async stop(): Promise<void> {
    clearInterval(this.#interval);
    this.#interval = undefined;
    await this.#queue;
  }

  /**
   * Runs every timer due now, in due order, and returns what fired. Runs never overlap: a call made
   * while one is in progress starts after it, so it sees a clock moved just before it was made.
   */
  runDue(): Promise<FiredTimer[]> {
    this.#pending++;
    const run = this.#queue.then(() => this.#collect(this.#deps.clock.now())).finally(() => this.#pending--);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Moves business time to `target` the way it would pass: the clock stops at each timer's due time,
   * runs what is due then, and goes on, so an email sent "60 days later" carries its own send time
   * (inside its window), not the end of the jump. `moveClock` only moves forward.
   */
  runUntil(target: Date, moveClock: (at: Date) => void): Promise<FiredTimer[]> {
    this.#pending++;
    const run = this.#queue
      .then(async () => {
        const fired: FiredTimer[] = [];
        const tried = new Set<string>(); // a timer that fails keeps its due time: try it once per move
        for (;;) {
          const next = await this.#nextDue(target, tried);
          const timerAt = next ? new Date(next.slice(next.lastIndexOf("@") + 1)) : undefined;
          const jobAt = this.#nextJobAt();
          // A job slot before the next timer (or with none left) is the next stop.
          if (jobAt && jobAt <= target && (!timerAt || jobAt < timerAt)) {
            if (jobAt > this.#deps.clock.now()) moveClock(jobAt);
            fired.push(...(await this.#collect(this.#deps.clock.now())));
            continue;
          }
          if (!next || !timerAt) break;
          tried.add(next);
          if (timerAt > this.#deps.clock.now()) moveClock(timerAt);
          fired.push(...(await this.#collect(this.#deps.clock.now())));
        }
        if (target > this.#deps.clock.now()) moveClock(target);
        return fired;
      })
      .finally(() => this.#pending--);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The earliest timer due by `target` not tried yet in this move, as "<key>@<at>". */
  async #nextDue(target: Date, tried: Set<string>): Promise<string | undefined> {
    const due = await this.#deps.store.listDueTimers(target, this.#batchSize + tried.size);
    for (const { prospectId, timer } of due) {
      const key = `${prospectId}#${timer.id}`;
      const attempt = `${key}@${timer.at}`;
      if (!tried.has(attempt)) return attempt;
    }
    return undefined;
  }

  #tick() {
    if (this.#pending > 0) return; // a run is going or waiting; the next tick catches up
    this.runDue().catch((error: Error) =>
      this.#deps.log.warn("timers.loop_failed", { error: error.message }),
    );
  }

  /**
   * One `now` for the whole run (taken when it starts): a clock moved meanwhile belongs to the next
   * run, whose caller waits for it.
   */
  async #collect(now: Date): Promise<FiredTimer[]> {
    await this.#runJobs(now);
    const fired: FiredTimer[] = [];
    /** Timers this run handled, or that a decision of it cancelled (R12 drops the old cycle's drip). */
    const done = new Set<string>();
    for (;;) {
      const limit = this.#batchSize;
      const due = await this.#deps.store.listDueTimers(now, limit);
      let progressed = false;
      for (const { prospectId, timer } of due) {
        const key = `${prospectId}#${timer.id}`;
        if (done.has(key)) continue;
        done.add(key);
        progressed = true;
        const base = { prospectId, timerId: timer.id, kind: timer.kind, at: timer.at, rule: timer.rule };
        try {
          const outcome = await runDueTimer({ prospectId, timerId: timer.id, kind: timer.kind }, this.#deps);
          this.#deps.log.info("timer.fired", { ...base, ...outcome });
          fired.push({ ...base, ...outcome });
          await this.#afterEach?.();
        } catch (error) {
          this.#deps.log.error("timer.failed", { ...base, error: (error as Error).message });
          fired.push({ ...base, result: "failed", error: (error as Error).message });
        }
      }
      if (due.length < limit) return fired;
      if (!progressed) return fired; // a full page already handled in this run: failures wait for the next tick
    }
  }

  #nextJobAt(): Date | undefined {
    let earliest: Date | undefined;
    for (const { due } of this.#jobs) if (!earliest || due < earliest) earliest = due;
    return earliest;
  }

  /**
   * Runs each job whose slot has come, once per slot. A clock moved past several slots in one step
   * (not through runUntil) runs the job once, for the latest: the job itself looks at "now".
   */
  async #runJobs(now: Date) {
    for (const state of this.#jobs) {
      if (state.due > now) continue;
      const at = now.toISOString();
      try {
        const result = await state.job.run();
        this.jobRuns.push({ job: state.job.name, at, result });
        this.#deps.log.info("job.ran", { job: state.job.name, at, result });
        state.tries = 0;
      } catch (error) {
        const message = (error as Error).message;
        this.jobRuns.push({ job: state.job.name, at, error: message });
        this.#deps.log.error("job.failed", { job: state.job.name, at, error: message });
        if (++state.tries < JOB_TRIES) {
          state.due = new Date(now.getTime() + JOB_RETRY_MS);
          continue;
        }
        state.tries = 0;
      }
      state.slot = state.job.next(state.slot > now ? state.slot : now);
      state.due = state.slot;
    }
  }
}
