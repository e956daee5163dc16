/**
 * Section (1) of the bench: decide() alone on one core, the example events and the same mix at
 * 2,000 times in ten countries (G2 holidays in play), warm; and cold, the first decision of a year
 * whose holidays no decision has computed yet. `BENCH_ONLY=decide` runs only this.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { type DecisionInput, decide, InboundEvent, type Prospect, resetHolidayMemo } from "@redial/core";
import { loadPlaybook } from "@redial/functions";
import { loadExamples } from "../test/support/examples.ts";
import {
  BENCH_PLACES,
  COLD_YEARS,
  DECIDE_RUN_MS,
  DECIDE_RUNS,
  DECIDE_VARIANTS,
  fmt,
  interleaved,
  log,
  median,
  percentile,
  placeName,
  RESULTS_DIR,
  round2,
  TARGETS,
} from "./common.ts";

/** Decisions per second, one run per entry. A plain loop on the main thread: one core. */
export function benchDecide(bodies: string[], variants = 1): { runs: number[]; rawRuns: number[] } {
  const playbook = loadPlaybook();
  const firsts = bodies.map((body) => InboundEvent.parse(JSON.parse(body)));
  const mix: { before: Prospect | null; input: DecisionInput; now: Date }[] = [];
  for (let v = 0; v < variants; v++) {
    // With variants, every event happens at its own minute (37 min apart, over ~7 weeks) in one of
    // ten countries (BENCH_PLACES: zone, country, region), so the calendar's memoised instants and
    // strings see real variety, not repeats, and G2 skips ten countries' holidays.
    const shift = v * 37 * 60_000;
    for (const first of firsts) {
      const occurredAt = new Date(Date.parse(first.occurredAt) + shift).toISOString();
      const prospect =
        variants > 1 ? { ...first.prospect, ...BENCH_PLACES[v % BENCH_PLACES.length] } : first.prospect;
      const input = { ...first, occurredAt, prospect } as InboundEvent;
      const now =
        variants > 1 ? new Date(Date.parse(occurredAt) + 3_600_000) : new Date("2026-12-01T12:00:00Z");
      const before = decide(null, input, playbook, now).next;
      const later = new Date(Date.parse(occurredAt) + 86_400_000).toISOString();
      mix.push({ before: null, input, now }, { before, input: { ...input, occurredAt: later }, now });
    }
  }
  // Raw baseline, interleaved run by run: validating the same events with their zod schema, the
  // least any handler does with an event before deciding anything.
  const raw = mix.map(({ input }) => JSON.parse(JSON.stringify(input)) as unknown);
  // warm-up: luxon's zone code takes a while to settle in the JIT
  return interleaved(
    () =>
      mix.reduce((n, { before, input, now }) => n + decide(before, input, playbook, now).actions.length, 0),
    () => raw.reduce<number>((n, body) => n + (InboundEvent.parse(body).type.length > 0 ? 1 : 0), 0),
    mix.length,
    1_500,
  );
}

/**
 * G2 cold: the first decision of a year no decision has seen yet, so its holidays (and those of the
 * years its plan reaches) come from date-holidays, not the memo. Every pass forgets every year
 * (resetHolidayMemo), then decides each example event once per place in a fresh year (2101, 2102, …):
 * the first decision of a place is the cold one; the others of the same place and year are warm
 * again, as in production. Reports the cold decisions alone, timed one by one.
 */
export function benchDecideCold(bodies: string[]) {
  const playbook = loadPlaybook();
  const firsts = bodies.map((body) => InboundEvent.parse(JSON.parse(body)));
  const coldMs: number[] = [];
  for (let y = 0; y < COLD_YEARS; y++) {
    resetHolidayMemo();
    for (const place of BENCH_PLACES) {
      const first = firsts[y % firsts.length] as InboundEvent;
      const occurred = new Date(Date.parse(first.occurredAt));
      occurred.setUTCFullYear(2101 + y);
      const input = {
        ...first,
        occurredAt: occurred.toISOString(),
        prospect: { ...first.prospect, ...place },
      };
      const start = performance.now();
      decide(null, input as InboundEvent, playbook, new Date(occurred.getTime() + 3_600_000));
      coldMs.push(performance.now() - start);
    }
  }
  const medianMs = median(coldMs);
  return {
    inputs: `the first decision of a fresh year (2101–${2100 + COLD_YEARS}) in each of ${BENCH_PLACES.length} places (${BENCH_PLACES.map(placeName).join(", ")}), memo reset before each year`,
    decisions: coldMs.length,
    medianMs: round2(medianMs),
    p95Ms: round2(
      percentile(
        [...coldMs].sort((a, b) => a - b),
        0.95,
      ),
    ),
    medianPerSecond: Math.round(1000 / medianMs),
  };
}
export type DecideCold = ReturnType<typeof benchDecideCold>;

/** BENCH_ONLY=decide: section 1's decide() measures alone (warm and cold), beside latest.*. */
export function decideOnly() {
  const exampleBodies = loadExamples().map((example) => example.body);
  log(`decide(): ${DECIDE_RUNS} runs of ${DECIDE_RUN_MS} ms`);
  const plain = benchDecide(exampleBodies);
  log(`decide() over ${DECIDE_VARIANTS} variants in ${BENCH_PLACES.map(placeName).join(", ")}`);
  const varied = benchDecide(exampleBodies, DECIDE_VARIANTS);
  log(`decide() cold: ${COLD_YEARS} fresh years × ${BENCH_PLACES.length} places`);
  const cold = benchDecideCold(exampleBodies);
  const results = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    cpu: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown"}`,
    decide: { runs: plain.runs.map(Math.round), medianPerSecond: Math.round(median(plain.runs)) },
    decideVaried: {
      inputs: `the same mix at ${DECIDE_VARIANTS} different times in ${BENCH_PLACES.length} countries (${BENCH_PLACES.map(placeName).join(", ")})`,
      runs: varied.runs.map(Math.round),
      medianPerSecond: Math.round(median(varied.runs)),
    },
    decideCold: cold,
    target: TARGETS.decidePerSecond,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, "decide.json"), `${JSON.stringify(results, null, 2)}\n`);
  const markdown = `# Redial decide()

${results.generatedAt} · ${results.cpu} · Node ${results.node}

| measure | median | runs | target |
|---|---:|---|---|
| \`decide()\` alone, decisions/s (one core, example-event mix) | ${fmt(results.decide.medianPerSecond)} | ${results.decide.runs.map(fmt).join(", ")} | ≥ ${fmt(results.target)} |
| \`decide()\` alone, ${results.decideVaried.inputs} | ${fmt(results.decideVaried.medianPerSecond)} | ${results.decideVaried.runs.map(fmt).join(", ")} | ≥ ${fmt(results.target)} |
| \`decide()\` cold (G2 holidays not yet computed): ${cold.inputs}, ms per decision | ${cold.medianMs} (p95 ${cold.p95Ms}) | ${cold.decisions} decisions | |
`;
  writeFileSync(join(RESULTS_DIR, "decide.md"), markdown);
  process.stdout.write(`\n${markdown}`);
}
