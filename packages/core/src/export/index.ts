export { type ExportQuery, exportFileName, recycledRows } from "./recycled.ts";
export { EXPORT_COLUMNS, type ExportColumn, exportRow, neutralizeFormula } from "./row.ts";
export {
  type IsoWeek,
  isoWeek,
  nextRun,
  previousWeek,
  WEEK_PATTERN,
  type WeeklySlot,
  weekOf,
} from "./week.ts";
