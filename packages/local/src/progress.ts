/**
 * A dependency-free progress bar for long CLI jobs (`redial export`), drawn on stderr so it never
 * mixes with the CSV on stdout. On a terminal it redraws one line in place (`\r` and erase-to-end);
 * anywhere else (a log, a pipe) it writes whole lines, less often. The formatters are pure.
 */

export interface ProgressState {
  done: number;
  total: number;
  /** Rows per second so far. */
  rate: number;
}

const number = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** `[#####.....] 45,000/100,000 rows  12,300 rows/s`. A total that was passed fills the bar. */
export function formatProgress({ done, total, rate }: ProgressState, width = 30): string {
  const ratio = total > 0 ? Math.min(done / total, 1) : done > 0 ? 1 : 0;
  const filled = Math.floor(ratio * width);
  const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
  return `[${bar}] ${number.format(done)}/${number.format(Math.max(total, done))} rows  ${number.format(rate)} rows/s`;
}

/** `Wrote 100,000 rows to file.csv in 8.1 s`. */
export function formatSummary(rows: number, target: string, ms: number): string {
  return `Wrote ${number.format(rows)} ${rows === 1 ? "row" : "rows"} to ${target} in ${(ms / 1000).toFixed(1)} s`;
}

export interface ProgressOptions {
  /** Where to draw; a TTY gets a line redrawn in place. */
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  total: number;
  /** Least time between two draws: 100 ms on a terminal, 1 s elsewhere (a log keeps few lines). */
  intervalMs?: number;
  now?: () => number;
  width?: number;
}

export class ProgressBar {
  readonly #stream: ProgressOptions["stream"];
  readonly #tty: boolean;
  readonly #interval: number;
  readonly #now: () => number;
  readonly #width: number;
  readonly #started: number;
  #total: number;
  #done = 0;
  #drawnAt = Number.NEGATIVE_INFINITY;
  #drawnDone = -1;

  constructor(options: ProgressOptions) {
    this.#stream = options.stream;
    this.#tty = options.stream.isTTY === true;
    this.#interval = options.intervalMs ?? (this.#tty ? 100 : 1000);
    this.#now = options.now ?? Date.now;
    this.#width = options.width ?? 30;
    this.#total = options.total;
    this.#started = this.#now();
    this.#draw(this.#started);
  }

  get done(): number {
    return this.#done;
  }

  /** Counts `n` more rows; redraws when the interval has passed. */
  tick(n = 1): void {
    this.#done += n;
    const now = this.#now();
    if (now - this.#drawnAt >= this.#interval) this.#draw(now);
  }

  /** The summary line: in place of the bar on a terminal, after the bar's last state elsewhere. */
  finish(target: string): void {
    const now = this.#now();
    if (!this.#tty && this.#drawnDone !== this.#done) this.#draw(now);
    const ms = now - this.#started;
    this.#stream.write(`${this.#tty ? "\r\x1b[K" : ""}${formatSummary(this.#done, target, ms)}\n`);
  }

  /** Leaves the bar's line (an error message follows on a line of its own). */
  abort(): void {
    if (this.#tty) this.#stream.write("\n");
  }

  #draw(now: number): void {
    this.#drawnAt = now;
    this.#drawnDone = this.#done;
    const seconds = (now - this.#started) / 1000;
    const rate = seconds > 0 ? this.#done / seconds : 0;
    const line = formatProgress({ done: this.#done, total: this.#total, rate }, this.#width);
    this.#stream.write(this.#tty ? `\r${line}\x1b[K` : `${line}\n`);
  }
}
