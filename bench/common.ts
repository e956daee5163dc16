/** What the benchmark's measures share: sizes, targets, the concurrent driver and the arithmetic. */
import { fileURLToPath } from "node:url";

export const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));
export const DECIDE_RUNS = 5;
export const DECIDE_RUN_MS = 1_000;
export const DECIDE_VARIANTS = 2_000;
/**
 * G2: the varied mix's prospects live in 10 countries (some with a region), each in its own zone, so
 * decide() skips real holidays of 10 calendars; the mix's ~7 weeks from mid-November cross
 * Thanksgiving, Christmas, the new year and Epiphany.
 */
export const BENCH_PLACES = [
  { country: "US", timezone: "America/New_York" },
  { country: "GB", region: "ENG", timezone: "Europe/London" },
  { country: "DE", region: "BY", timezone: "Europe/Berlin" },
  { country: "FR", timezone: "Europe/Paris" },
  { country: "IN", timezone: "Asia/Kolkata" },
  { country: "JP", timezone: "Asia/Tokyo" },
  { country: "BR", region: "SP", timezone: "America/Sao_Paulo" },
  { country: "AU", region: "NSW", timezone: "Australia/Sydney" },
  { country: "CA", region: "ON", timezone: "America/Toronto" },
  { country: "ES", region: "MD", timezone: "Europe/Madrid" },
] as const;
export const placeName = (place: { country: string; region?: string }) =>
  place.region ? `${place.country}-${place.region}` : place.country;
/** Cold decisions: this many fresh years, each decided once per place after forgetting every year. */
export const COLD_YEARS = 40;
export const CLIENTS = 16;
export const ROUNDS = 5;
export const EVENTS_PER_CLIENT = 32;
export const TARGETS = { decidePerSecond: 50_000, ingestToRaw: 0.5 };

export interface Timed {
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
}

/** Runs `work` over `items` with CLIENTS workers; throughput over the whole batch, latency per item. */
export async function concurrently<T>(items: T[], work: (item: T) => Promise<void>): Promise<Timed> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        const begun = performance.now();
        await work(item);
        latencies.push(performance.now() - begun);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: Math.round(items.length / seconds),
    p50Ms: round2(percentile(latencies, 0.5)),
    p95Ms: round2(percentile(latencies, 0.95)),
  };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
export const round2 = (value: number) => Math.round(value * 100) / 100;
export const pad = (n: number, width: number) => String(n).padStart(width, "0");
export const fmt = (value: number | undefined) =>
  value === undefined ? "?" : Math.round(value).toLocaleString("en-US");
export const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

/**
 * Items per second of `work` and of its raw baseline, DECIDE_RUNS runs of each, alternating, after a
 * warm-up of both; each pass handles `perPass` items and returns a number that keeps it observable.
 */
export function interleaved(
  work: () => number,
  raw: () => number,
  perPass: number,
  warmupMs = 1_000,
): { runs: number[]; rawRuns: number[] } {
  let sink = 0;
  const run = (pass: () => number, ms: number) => {
    const start = performance.now();
    let count = 0;
    while (performance.now() - start < ms) {
      sink += pass();
      count += perPass;
    }
    return (count * 1000) / (performance.now() - start);
  };
  run(work, warmupMs);
  run(raw, warmupMs);
  const runs: number[] = [];
  const rawRuns: number[] = [];
  for (let i = 0; i < DECIDE_RUNS; i++) {
    runs.push(run(work, DECIDE_RUN_MS));
    rawRuns.push(run(raw, DECIDE_RUN_MS));
  }
  if (sink < 0) log("unreachable");
  return { runs, rawRuns };
}
