/**
 * CRM-shaped import rows (docs/import.md "CRM exports"): with a source and a header that is not the
 * canonical one, each row is one record of that CRM under its own field names, mapped by the same
 * `crm.<source>` settings and adapter code as the CRM's webhooks, so the prospect ids, profiles and
 * outcomes are the ones the webhooks that follow will produce.
 */
import type { CrmSettings } from "../crm/config.ts";
import { HUBSPOT_RECORD, hubspotRecordEvent } from "../crm/hubspot.ts";
import type { CrmSource } from "../crm/index.ts";
import { type Mapped, oneOf, type RecordColumns } from "../crm/map.ts";
import { PIPEDRIVE_RECORD, pipedriveRecordEvent } from "../crm/pipedrive.ts";
import { SALESFORCE_RECORD, salesforceRecordEvent } from "../crm/salesforce.ts";
import type { Row } from "../crm/values.ts";

interface ExportShape {
  name: string;
  columns: RecordColumns;
  event: (row: Row, crm: CrmSettings) => Mapped;
  /** The field names the settings read: a header's column that matches one but for case is renamed to it. */
  outcomeFields: (crm: CrmSettings) => string[];
}

const EXPORTS: Record<CrmSource, ExportShape> = {
  hubspot: {
    name: "HubSpot",
    columns: HUBSPOT_RECORD,
    event: (row, crm) => hubspotRecordEvent(row, crm.hubspot),
    outcomeFields: (crm) => Object.keys(crm.hubspot.outcomes),
  },
  salesforce: {
    name: "Salesforce",
    columns: SALESFORCE_RECORD,
    event: (row, crm) => salesforceRecordEvent(row, crm.salesforce),
    outcomeFields: (crm) => Object.values(crm.salesforce.outcomes).flatMap(Object.keys),
  },
  pipedrive: {
    name: "Pipedrive",
    columns: PIPEDRIVE_RECORD,
    event: (row, crm) => pipedriveRecordEvent(row, crm.pipedrive),
    outcomeFields: (crm) => Object.values(crm.pipedrive.outcomes).flatMap(Object.keys),
  },
};

/**
 * A file is a CRM export when it names its source and its header is not canonical: every canonical
 * header has `occurredAt` and `prospect.id`, no CRM calls a field either. (`type` alone does not
 * tell: a Pipedrive activity's type is its outcome.)
 */
export const isCrmExport = (header: readonly string[], source: CrmSource | undefined): source is CrmSource =>
  source !== undefined && !header.includes("occurredAt") && !header.includes("prospect.id");

/**
 * The export's header as the mapping reads it, or a problem that refuses the file: repeated columns,
 * no id column, no date column. A column that differs from a name the mapping reads only in case is
 * renamed to it (Salesforce names are case-insensitive; Data Loader writes them in capitals).
 */
export function crmHeader(
  header: readonly string[],
  source: CrmSource,
  crm: CrmSettings,
): { header: string[] } | { problem: string } {
  const shape = EXPORTS[source];
  const settings = crm[source];
  const known = [
    ...shape.columns.id,
    ...shape.columns.date,
    ...(shape.columns.also ?? []),
    ...Object.values(settings.fields).filter((name): name is string => typeof name === "string"),
    ...shape.outcomeFields(crm),
  ];
  const byCase = new Map<string, string>();
  for (const name of known) if (!byCase.has(name.toLowerCase())) byCase.set(name.toLowerCase(), name);
  const exact = new Set(known);
  const renamed = header.map((column) =>
    exact.has(column) ? column : (byCase.get(column.toLowerCase()) ?? column),
  );
  const seen = new Set<string>();
  for (const [i, column] of renamed.entries()) {
    if (column === "") continue;
    if (seen.has(column))
      return {
        problem: `Column "${header[i]}" appears twice${header[i] === column ? "" : ` (as ${column}: names match without regard to case)`}`,
      };
    seen.add(column);
  }
  const missing = [
    shape.columns.id.some((column) => seen.has(column)) ? null : `an id column (${oneOf(shape.columns.id)})`,
    shape.columns.date.some((column) => seen.has(column))
      ? null
      : `a date column (${oneOf(shape.columns.date)})`,
  ].filter((what): what is string => what !== null);
  if (missing.length)
    return {
      problem: `A ${shape.name} export needs ${missing.join(" and ")}, named as the ${shape.name} API names them (docs/import.md "CRM exports"); for canonical columns, the header needs type, occurredAt and prospect.id`,
    };
  return { header: renamed };
}

/** One row of the export as its CRM record: every column (an empty cell is ""), by the header's names. */
export function crmRecord(header: readonly string[], cells: readonly string[]): Row {
  const row: Row = Object.create(null);
  header.forEach((column, i) => {
    if (column !== "") row[column] = cells[i]?.trim() ?? "";
  });
  return row;
}

/** The row's mapped event, or why the row is not one (the adapter's reason, with the fields it names). */
export function crmRowEvent(
  header: readonly string[],
  cells: readonly string[],
  source: CrmSource,
  crm: CrmSettings,
): Mapped {
  return EXPORTS[source].event(crmRecord(header, cells), crm);
}
