/**
 * Section (8) of the bench: a CRM delivery's mapping, on one core. A Pipedrive activity whose note is
 * 1 MiB of `<` (each `<` once cost a scan of the rest of the note: minutes at this size) and one of
 * 1 MiB of `<b>a</b>` (two tags every eight characters), mapped by mapPipedrive, next to JSON.parse of the
 * same body, which the route does first anyway. Pipedrive waits 10 s for an answer; the mapping's
 * budget is a small part of it. `BENCH_ONLY=crm` runs only this.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { defaultCrmSettings, mapPipedrive } from "@redial/core";
import { fmt, log, median, RESULTS_DIR, round2 } from "./common.ts";

export const CRM_RUNS = 20;
/** The mapping's budget, ms: a hundredth of Pipedrive's 10 s, the rest left to the store. */
export const CRM_TARGET_MS = 100;
const NOTE_BYTES = 2 ** 20;

interface NoteRun {
  note: string;
  bodyBytes: number;
  /** ms per mapPipedrive(), one per run. */
  mapMs: number[];
  medianMapMs: number;
  maxMapMs: number;
  /** ms per JSON.parse of the same body: the raw baseline. */
  medianParseMs: number;
  /** The note the event carries, its length. */
  eventNoteLength: number;
}

export interface CrmResults {
  inputs: string;
  runs: number;
  notes: NoteRun[];
  target: number;
}

export function benchCrm(): CrmResults {
  const fixture = readFileSync(
    new URL("../test/fixtures/crm/pipedrive/v2-activity-marked-done.json", import.meta.url),
    "utf8",
  );
  const activity = JSON.parse(fixture) as { data: Record<string, unknown> };
  const settings = defaultCrmSettings().pipedrive;
  const cases = [
    { name: "1 MiB of `<`", note: "<".repeat(NOTE_BYTES) },
    { name: "1 MiB of `<b>a</b>`", note: "<b>a</b>".repeat(NOTE_BYTES / 8) },
  ];
  const notes = cases.map(({ name, note }) => {
    const body = JSON.stringify({ ...activity, data: { ...activity.data, note } });
    const mapMs: number[] = [];
    const parseMs: number[] = [];
    let eventNoteLength = -1;
    for (let run = -3; run < CRM_RUNS; run++) {
      // Three runs to warm the JIT, not counted; a fresh parse each time, so no run reuses strings.
      const begun = performance.now();
      const parsed = JSON.parse(body);
      const parsedAt = performance.now();
      const item = mapPipedrive({ body: parsed, settings });
      const mappedAt = performance.now();
      if (item.kind !== "event")
        throw new Error(`Expected an event, got ${JSON.stringify(item).slice(0, 300)}`);
      eventNoteLength = item.event.note?.length ?? 0;
      if (run < 0) continue;
      parseMs.push(parsedAt - begun);
      mapMs.push(mappedAt - parsedAt);
    }
    return {
      note: name,
      bodyBytes: Buffer.byteLength(body),
      mapMs: mapMs.map(round2),
      medianMapMs: round2(median(mapMs)),
      maxMapMs: round2(Math.max(...mapMs)),
      medianParseMs: round2(median(parseMs)),
      eventNoteLength,
    };
  });
  return {
    inputs: "A v2 activity marked done (the voicemail fixture) with its note replaced",
    runs: CRM_RUNS,
    notes,
    target: CRM_TARGET_MS,
  };
}

export const crmRows = (r: CrmResults) =>
  r.notes
    .map(
      (n) =>
        `| Pipedrive activity with a note of ${n.note} (${fmt(n.bodyBytes)} B body): mapPipedrive(), ms (max ${n.maxMapMs}; the event keeps ${fmt(n.eventNoteLength)} characters; raw: JSON.parse of the body, ${n.medianParseMs} ms) | ${n.medianMapMs} | ${r.runs} runs | ≤ ${r.target} ${n.maxMapMs <= r.target ? "✅" : "❌"} |\n`,
    )
    .join("");

/** BENCH_ONLY=crm: this section alone, written to bench/results/crm.json and crm.md. */
export function crmOnly() {
  log(`crm: mapPipedrive() on 1 MiB notes, ${CRM_RUNS} runs each`);
  const crm = benchCrm();
  const results = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    cpu: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown"}`,
    crm,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, "crm.json"), `${JSON.stringify(results, null, 2)}\n`);
  const markdown = `# Redial CRM mapping

${results.generatedAt} · ${results.cpu} · Node ${results.node}

${crm.inputs}; one core, medians of ${crm.runs} runs after 3 to warm up. The route takes bodies up to 1 MiB,
so these notes are a little past the largest a delivery can hold.

| measure | median | runs | target |
|---|---:|---|---|
${crmRows(crm)}`;
  writeFileSync(join(RESULTS_DIR, "crm.md"), markdown);
  process.stdout.write(`\n${markdown}`);
}
