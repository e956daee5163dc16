/**
 * GET /v1/exports/recycled?week=2026-W48[&owner=]: the weekly export on demand (CONTRACT.md), as
 * `text/csv`, streamed row by row. The first rows are read before the status line goes out, so a store
 * that is down answers a 503 problem, not a truncated 200.
 */
import { Readable } from "node:stream";
import { exportFileName, invalid, isoWeek, previousWeek, recycledRows } from "@redial/core";
import type { Handler } from "hono";
import * as z from "zod";
import { csvStream } from "../../export/csv.ts";
import type { AppDeps } from "../app.ts";

export const ExportQuery = z.object({
  week: z
    .string()
    .regex(/^\d{4}-W\d{2}$/, "Expected an ISO week such as 2026-W48")
    .optional()
    .describe("The ISO week in the team's time zone; the previous week when absent."),
  owner: z.string().min(1).max(200).optional().describe("One rep's rows only."),
});

export const getRecycledExport =
  (deps: Pick<AppDeps, "store" | "clock" | "playbook">): Handler =>
  async (c) => {
    const parsed = ExportQuery.safeParse(c.req.query());
    if (!parsed.success) throw invalid("The query is not valid; see errors", parsed.error);
    const zone = deps.playbook.team.timezone;
    const week = parsed.data.week ? isoWeek(parsed.data.week, zone) : previousWeek(deps.clock.now(), zone);
    const rows = recycledRows(deps.store, { week, ownerId: parsed.data.owner });
    const first = await rows.next(); // fails here, before any byte, if the store is unavailable
    const body = csvStream(prepend(first, rows));
    return c.body(Readable.toWeb(body) as ReadableStream, 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${exportFileName(week, parsed.data.owner)}"`,
      "cache-control": "no-store",
    });
  };

async function* prepend<T>(first: IteratorResult<T>, rest: AsyncIterator<T>): AsyncGenerator<T> {
  if (first.done) return;
  yield first.value;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}
