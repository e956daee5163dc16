/**
 * POST /v1/imports (issue 7): a file of past calls, CSV or NDJSON, applied row by row with each row's
 * own occurredAt. The whole file is checked first (a bad header or too many rows changes nothing);
 * invalid rows are reported by line and skipped. A re-sent file changes nothing: each row's receipt is
 * its content. `dryRun=true` only checks. On AWS a request is capped by the API function's 10 s
 * timeout (stacks/api.ts) and Lambda's 6 MB: larger files go through `npx redial import --aws`
 * (docs/import.md).
 */
import {
  applyImport,
  IMPORT_SOURCES,
  type ImportFormat,
  invalid,
  MAX_IMPORT_BYTES,
  planImport,
  RedialError,
} from "@redial/core";
import type { Handler } from "hono";
import * as z from "zod";
import type { AppDeps } from "../app.ts";
import { readBody } from "./events.ts";

export const ImportQuery = z.object({
  source: z
    .enum(IMPORT_SOURCES)
    .optional()
    .describe(
      "The CRM the rows come from: prospect ids get its prefix, as its webhooks give them. A CSV without the canonical header (occurredAt, prospect.id) is then that CRM's export, mapped by the playbook's crm section (docs/import.md).",
    ),
  dryRun: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true")
    .describe("`true`: check every row and report, write nothing."),
});

const RowError = z.object({ line: z.number().int(), reason: z.string() });

export const ImportReport = z.object({
  dryRun: z.boolean(),
  rows: z.number().int().describe("Data rows in the file (not the CSV header)."),
  valid: z.number().int().describe("Rows that are canonical events."),
  invalid: z.array(RowError).describe("Skipped: not an event, or refused by the playbook. By line."),
  applied: z.number().int().describe("Rows that changed their prospect."),
  recorded: z
    .number()
    .int()
    .describe("Rows put on the timeline without a change (G6: older than the newest)."),
  duplicates: z.number().int().describe("Rows imported before: nothing changed."),
  failed: z
    .array(RowError)
    .describe("Not applied now (the store was unavailable): send the same file again."),
  byRule: z.record(z.string(), z.number().int()).describe("Applied or recorded rows by deciding rule."),
});

/** Media type → format. NDJSON has had several names; all mean one JSON text per line. */
const FORMATS: Record<string, ImportFormat> = {
  "text/csv": "csv",
  "application/x-ndjson": "ndjson",
  "application/ndjson": "ndjson",
  "application/jsonl": "ndjson",
};

export const postImport =
  (deps: AppDeps): Handler =>
  async (c) => {
    const mediaType = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase() ?? "";
    const format = FORMATS[mediaType];
    if (!format) {
      throw new RedialError(
        "unsupported_media_type",
        `Send Content-Type: text/csv or application/x-ndjson (got ${mediaType || "none"})`,
      );
    }
    const query = ImportQuery.safeParse(c.req.query());
    if (!query.success) throw invalid("The query is not valid; see errors", query.error);
    const { source, dryRun } = query.data;
    const body = await readBody(c.req.raw, MAX_IMPORT_BYTES);
    // A CRM's own export is mapped by the playbook's crm section, as that CRM's webhooks are.
    const options = { format, source, crm: deps.playbook.crm, now: deps.clock.now() };
    const plan = planImport(body, options);
    if (dryRun) {
      const report = { ...emptyReport(plan.rows, plan.valid.length), invalid: plan.invalid };
      return c.json(ImportReport.parse({ dryRun, ...report }));
    }
    const report = await applyImport(body, plan, options, deps);
    deps.log.info("import.done", {
      rows: report.rows,
      applied: report.applied,
      recorded: report.recorded,
      duplicates: report.duplicates,
      invalid: report.invalid.length,
      failed: report.failed.length,
    });
    return c.json(ImportReport.parse({ dryRun, ...report }));
  };

const emptyReport = (rows: number, valid: number) => ({
  rows,
  valid,
  applied: 0,
  recorded: 0,
  duplicates: 0,
  failed: [],
  byRule: {},
});
