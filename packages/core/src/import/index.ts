/**
 * Bulk import of past calls (issue 7): a CSV or NDJSON file of canonical events, or a CRM's own export
 * mapped by the playbook's crm section, applied in the order they happened.
 */
export { type ApplyOptions, applyImport, type ImportProgress, type ImportReport } from "./apply.ts";
export { IMPORT_COLUMNS } from "./columns.ts";
export {
  IMPORT_FORMATS,
  IMPORT_SOURCES,
  type ImportFormat,
  type ImportOptions,
  type ImportPlan,
  importKey,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
  type PlannedRow,
  planImport,
  type RowError,
} from "./plan.ts";
