/**
 * applyImport(): the rows of a plan through ingest(), one by one as if each had just arrived from the
 * CRM, with its own occurredAt (so a rejection from last March recycles in September; what is already
 * overdue runs at the next allowed slot from now, PLAYBOOK.md "Terms"). Rows of one prospect go in
 * order, one at a time; prospects go in parallel. Each row's receipt is its content key, kept for good,
 * so a re-run, or a run resumed after a crash, applies nothing twice.
 *
 * Rows go in windows: the checkpoint is the first row of the first window not fully settled, so a
 * resumed run can skip what is behind it. A row that fails (DynamoDB unavailable after the retries)
 * holds its prospect's later rows back (applied after it, they would make it stale) and stops the
 * checkpoint: the re-run tries them again in order.
 */
import { RedialError } from "../errors.ts";
import { type IngestDeps, ingest } from "../ingest/ingest.ts";
import { type ImportedRow, type ImportOptions, type ImportPlan, type RowError, readRow } from "./plan.ts";

export interface ApplyOptions {
  /** Prospects applied at once. */
  workers?: number;
  /** Rows per window (the checkpoint's step). */
  window?: number;
  /** Index in `plan.valid` to start at: a checkpoint from an earlier run of the same file. */
  from?: number;
  /** After every window. */
  onProgress?: (progress: ImportProgress) => void | Promise<void>;
}

export interface ImportProgress {
  /** Valid rows settled so far, those skipped by `from` included. */
  done: number;
  total: number;
  /** Where a resumed run may start: every row before it is settled for good. */
  checkpoint: number;
}

export interface ImportReport {
  rows: number;
  /** Rows that are events (before the playbook has looked at them). */
  valid: number;
  /** Not events, or refused by the playbook; skipped. By line. */
  invalid: RowError[];
  /** Changed the prospect (a rule applied). */
  applied: number;
  /** Recorded on the timeline without changing the prospect (G6: older than its newest event; a stopped prospect). */
  recorded: number;
  /** Imported before (a re-run): nothing changed. */
  duplicates: number;
  /** Skipped because a checkpoint said they were done. */
  resumed: number;
  /** Could not be applied now (a store outage): a re-run applies them. By line. */
  failed: RowError[];
  /** Applied or recorded rows by the rule that decided them (R2, R3, G6, …). */
  byRule: Record<string, number>;
  checkpoint: number;
}

const ROW_ATTEMPTS = 4;

export async function applyImport(
  bytes: Uint8Array,
  plan: ImportPlan,
  options: ImportOptions,
  deps: IngestDeps,
  apply: ApplyOptions = {},
): Promise<ImportReport> {
  const workers = apply.workers ?? 16;
  const size = apply.window ?? 512;
  const from = Math.min(Math.max(apply.from ?? 0, 0), plan.valid.length);
  const report: ImportReport = {
    rows: plan.rows,
    valid: plan.valid.length,
    invalid: [...plan.invalid],
    applied: 0,
    recorded: 0,
    duplicates: 0,
    resumed: from,
    failed: [],
    byRule: {},
    checkpoint: from,
  };
  /** Prospect id → the line of its row that failed: its later rows wait for the re-run. */
  const held = new Map<string, number>();

  for (let start = from; start < plan.valid.length; start += size) {
    const lanes = new Map<string, ReadyRow[]>();
    for (const span of plan.valid.slice(start, start + size)) {
      const row = readRow(bytes, span, plan.header, options);
      if (!row.ok) throw new Error(`Line ${span.line} changed since it was planned: ${row.reason}`);
      const id = row.event.prospect.id;
      lanes.set(id, [...(lanes.get(id) ?? []), { ...row, line: span.line }]);
    }
    await pool([...lanes.values()], workers, async (rows) => {
      for (const row of rows) {
        const { line, event } = row;
        const heldBy = held.get(event.prospect.id);
        if (heldBy !== undefined) {
          report.failed.push({
            line,
            reason: `Held back: an earlier row of this prospect (line ${heldBy}) failed`,
          });
          continue;
        }
        const outcome = await applyRow(row, deps);
        if (outcome.kind === "failed") {
          held.set(event.prospect.id, line);
          report.failed.push({ line, reason: outcome.reason });
        } else if (outcome.kind === "invalid") report.invalid.push({ line, reason: outcome.reason });
        else if (outcome.kind === "duplicate") report.duplicates++;
        else {
          report[outcome.applied ? "applied" : "recorded"]++;
          report.byRule[outcome.rule] = (report.byRule[outcome.rule] ?? 0) + 1;
        }
      }
    });
    const end = Math.min(start + size, plan.valid.length);
    if (report.failed.length === 0) report.checkpoint = end;
    await apply.onProgress?.({ done: end, total: plan.valid.length, checkpoint: report.checkpoint });
  }
  report.invalid.sort((a, b) => a.line - b.line);
  report.failed.sort((a, b) => a.line - b.line);
  return report;
}

/** A row read again at apply time, with its line. */
type ReadyRow = Extract<ImportedRow, { ok: true }> & { line: number };

type RowOutcome =
  | { kind: "applied"; applied: boolean; rule: string }
  | { kind: "duplicate" }
  | { kind: "invalid"; reason: string }
  | { kind: "failed"; reason: string };

/** ingest() with a few patient retries: a bulk load should ride out a throttled table, not report it. */
async function applyRow(row: ReadyRow, deps: IngestDeps): Promise<RowOutcome> {
  const { key, event, remarks } = row;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await ingest(
        { webhookId: key, event, keepReceipt: true, ...(remarks ? { remarks } : {}) },
        deps,
      );
      if (result.duplicate) return { kind: "duplicate" };
      return { kind: "applied", applied: result.applied, rule: result.decision.rule };
    } catch (error) {
      // The playbook refused the row (e.g. a callback date before the call): final, like a 422.
      if (error instanceof RedialError && error.kind === "invalid")
        return { kind: "invalid", reason: error.message };
      if (attempt >= ROW_ATTEMPTS) return { kind: "failed", reason: (error as Error).message };
      await new Promise((resolve) => setTimeout(resolve, 50 * 4 ** attempt * (0.5 + Math.random())));
    }
  }
}

/** Runs `work` over `items` with at most `size` at once. */
async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}
