/** The benchmark's Markdown table (bench/results/latest.md). */

import { type ColdStartResults, coldStartRows } from "./cold-start.ts";
import { BENCH_PLACES, DECIDE_VARIANTS, fmt, type Timed } from "./common.ts";
import { type CrmResults, crmRows } from "./crm.ts";
import type { ExportResults } from "./export.ts";
import { type ImportResults, importRows } from "./import.ts";
import type { TimerRunnerResults } from "./timer-runner.ts";

/** A one-core throughput and its raw baseline, measured in alternating runs. */
type Throughput = {
  runs: number[];
  medianPerSecond: number;
  raw: { what: string; runs: number[]; medianPerSecond: number };
  target: number;
};

export type Results = {
  generatedAt: string;
  durationSeconds: number;
  machine: { os: string; cpus: number; cpuModel: string; memoryGiB: number; node: string; note: string };
  decide: Throughput;
  decideVaried: Throughput;
  /** G2: the first decision of a year whose holidays no decision has computed yet. */
  decideCold: { inputs: string; decisions: number; medianMs: number; p95Ms: number; medianPerSecond: number };
  render: Throughput; // template rendering (issue 3)
  ingest: {
    eventsPerRun: number;
    runs: Timed[];
    medianPerSecond: number;
    medianP50Ms: number;
    medianP95Ms: number;
  };
  rawTransactWriteItems: {
    itemsPerTransaction: number;
    requestBytes: number;
    runs: Timed[];
    medianPerSecond: number;
    medianP50Ms: number;
    medianP95Ms: number;
  };
  ingestToRaw: { ratio: number; target: number };
  requestsPerEvent: Record<string, number>;
  timerRunner: TimerRunnerResults; // timer runner (issue 3)
  export: ExportResults; // the weekly export (issue 4)
  import: ImportResults; // the bulk import (issue 7)
  coldStart: ColdStartResults; // cold start (issue 5)
  crm: CrmResults; // a Pipedrive note of 1 MiB, mapped
};

const ratio = (t: Throughput) => Math.round((t.medianPerSecond / t.raw.medianPerSecond) * 100) / 100;

export function toMarkdown(r: Results): string {
  const check = (ok: boolean) => (ok ? "✅" : "❌");
  const perSecond = (runs: Timed[]) => runs.map((run) => fmt(run.perSecond)).join(", ");
  const requests = Object.entries(r.requestsPerEvent)
    .map(([name, count]) => `${count} ${name}`)
    .join(" + ");
  const expected = r.requestsPerEvent.BatchGetItem === 1 && r.requestsPerEvent.TransactWriteItems === 1;
  const onlyThose = Object.keys(r.requestsPerEvent).length === 2;
  // ——— timer runner (issue 3) ———
  const timer = r.timerRunner;
  const perStep = Object.entries(timer.requestsPerStep)
    .map(([name, count]) => `${count} ${name}`)
    .join(" + ");
  const requestsPerStep = Object.values(timer.requestsPerStep).reduce((sum, n) => sum + n, 0);
  const ex = r.export; // the weekly export (issue 4)
  return `# Redial benchmark

${r.generatedAt} · ${r.machine.os} · ${r.machine.cpus} × ${r.machine.cpuModel} · ${r.machine.memoryGiB} GiB · Node ${r.machine.node} · took ${r.durationSeconds} s

${r.machine.note} Medians of ${r.decide.runs.length} runs (decide), ${r.ingest.runs.length} interleaved rounds (ingest, raw) and ${timer.runs.length} rounds (timer runner).

Timer runner: ${timer.note}

| measure | median | runs | target |
|---|---:|---|---|
| \`decide()\` alone, decisions/s (one core, example-event mix) | ${fmt(r.decide.medianPerSecond)} | ${r.decide.runs.map(fmt).join(", ")} | ≥ ${fmt(r.decide.target)} ${check(r.decide.medianPerSecond >= r.decide.target)} |
| \`decide()\` alone, the mix at ${fmt(DECIDE_VARIANTS)} times in ${BENCH_PLACES.length} countries' zones and holidays (realistic cache variety) | ${fmt(r.decideVaried.medianPerSecond)} | ${r.decideVaried.runs.map(fmt).join(", ")} | ≥ ${fmt(r.decideVaried.target)} ${check(r.decideVaried.medianPerSecond >= r.decideVaried.target)} |
| \`decide()\` cold, ms per decision: ${r.decideCold.inputs} | ${r.decideCold.medianMs} (p95 ${r.decideCold.p95Ms}) | ${fmt(r.decideCold.decisions)} decisions | |
| raw baseline: ${r.decide.raw.what}, per second (the example mix) | ${fmt(r.decide.raw.medianPerSecond)} | ${r.decide.raw.runs.map(fmt).join(", ")} | \`decide()\` ÷ raw: ${ratio(r.decide)} |
| template rendering, renders/s (one core, parsed templates cached) | ${fmt(r.render.medianPerSecond)} | ${r.render.runs.map(fmt).join(", ")} | ≥ ${fmt(r.render.target)} ${check(r.render.medianPerSecond >= r.render.target)} |
| raw baseline: ${r.render.raw.what}, renders/s | ${fmt(r.render.raw.medianPerSecond)} | ${r.render.raw.runs.map(fmt).join(", ")} | rendering ÷ raw: ${ratio(r.render)} |
| ingest over HTTP, events/s (16 clients, ${r.ingest.eventsPerRun} events per round) | ${fmt(r.ingest.medianPerSecond)} | ${perSecond(r.ingest.runs)} | |
| raw TransactWriteItems on DynamoDB Local, transactions/s (16 clients, ${r.rawTransactWriteItems.itemsPerTransaction} items, ${fmt(r.rawTransactWriteItems.requestBytes)} B each) | ${fmt(r.rawTransactWriteItems.medianPerSecond)} | ${perSecond(r.rawTransactWriteItems.runs)} | |
| ingest ÷ raw | ${r.ingestToRaw.ratio} | | ≥ ${r.ingestToRaw.target} ${check(r.ingestToRaw.ratio >= r.ingestToRaw.target)} |
| ingest latency p50 / p95 (ms) | ${r.ingest.medianP50Ms} / ${r.ingest.medianP95Ms} | | |
| raw latency p50 / p95 (ms) | ${r.rawTransactWriteItems.medianP50Ms} / ${r.rawTransactWriteItems.medianP95Ms} | | |
| DynamoDB requests per applied event | ${requests} | | 1 BatchGetItem + 1 TransactWriteItems ${check(expected && onlyThose)} |
| timer runner, email steps/s (16 workers, through SES local; ${fmt(timer.steps)} steps per round) | ${fmt(timer.medianPerSecond)} | ${perSecond(timer.runs)} | ÷ raw TransactWriteItems: ${timer.ratioToRaw} |
| DynamoDB requests per email step | ${perStep} | | ≤ 3 ${check(requestsPerStep <= 3)} |
| export of ${fmt(ex.rows)} rows as CSV through the route, ms (own process, ${ex.heapCapMiB} MiB heap cap) | ${fmt(ex.medianExportMs)} | ${ex.export.map((run) => fmt(run.ms)).join(", ")} | |
| raw paginated Query of the same index, ms (own process, same cap) | ${fmt(ex.medianRawMs)} | ${ex.raw.map((run) => fmt(run.ms)).join(", ")} | |
| export ÷ raw (time) | ${ex.ratio} | | ≤ ${ex.targets.toRaw} ${check(ex.ratio <= ex.targets.toRaw)} |
| export peak RSS, MiB (raw's: ${ex.raw.map((run) => run.maxRssMiB).join(", ")}) | ${fmt(ex.maxRssMiB)} | ${ex.export.map((run) => run.maxRssMiB).join(", ")} | < ${ex.targets.maxRssMiB} ${check(ex.maxRssMiB < ex.targets.maxRssMiB)} |
${coldStartRows(r.coldStart)}${importRows(r.import)}${crmRows(r.crm)}`;
}
