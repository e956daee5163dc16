/**
 * The recycled-lead export (CONTRACT.md, "Weekly export"): the rows of every prospect that entered
 * the call queue in one ISO week of the team's zone, oldest first, for the team or one owner. A
 * stream of rows over a stream of index pages, so a week of 100,000 leads needs no more memory than
 * a week of ten.
 */
import type { Store } from "../ports.ts";
import { exportRow } from "./row.ts";
import type { IsoWeek } from "./week.ts";

export interface ExportQuery {
  week: IsoWeek;
  ownerId?: string | undefined;
}

export async function* recycledRows(store: Pick<Store, "enteredQueue">, query: ExportQuery) {
  const { week, ownerId } = query;
  for await (const item of store.enteredQueue({
    from: week.start,
    to: week.end,
    ...(ownerId ? { ownerId } : {}),
  })) {
    yield exportRow(item);
  }
}

/** `redial-recycled-2026-W48.csv`, or `…-2026-W48-<owner>.csv` with the owner id made file-safe. */
export function exportFileName(week: IsoWeek, ownerId?: string): string {
  const owner = ownerId ? `-${ownerId.replace(/[^A-Za-z0-9._-]+/g, "_")}` : "";
  return `redial-recycled-${week.id}${owner}.csv`;
}
