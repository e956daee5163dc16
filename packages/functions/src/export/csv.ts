/**
 * RFC 4180 CSV for the export (CONTRACT.md): UTF-8, CRLF line ends, a header row, a cell quoted when
 * it holds a comma, a quote or a line break. csv-stringify does the quoting; rows are written as they
 * arrive and the stream's backpressure paces the reader, so memory stays flat however many rows.
 */
import { Readable } from "node:stream";
import { EXPORT_COLUMNS } from "@redial/core";
import { stringify } from "csv-stringify";
import { stringify as stringifySync } from "csv-stringify/sync";

const OPTIONS = { header: true, columns: [...EXPORT_COLUMNS], record_delimiter: "windows" } as const;

/** The CSV text of `rows`, streamed. */
export function csvStream(rows: AsyncIterable<string[]>): Readable {
  const csv = stringify(OPTIONS);
  const source = Readable.from(rows);
  source.on("error", (error) => csv.destroy(error));
  return source.pipe(csv);
}

/** The CSV text of rows already in memory (a mail attachment). */
export function csvText(rows: string[][]): string {
  return stringifySync(rows, OPTIONS);
}
