/**
 * The weekly export job (CONTRACT.md "Weekly export"): on the playbook's weekday and time in the
 * team's zone (Monday 07:00 by default), the CSV of the prospects that entered the call queue in the
 * previous ISO week, one file for the team and, if the playbook says so, one per owner, mailed to
 * REDIAL_EXPORT_RECIPIENTS. Run by an EventBridge Scheduler cron in AWS and by the local timer loop
 * when the dev clock crosses the slot. Each week is mailed once: a doubled or retried trigger finds
 * the week claimed; a failed send releases the claim so the retry can send.
 */
import {
  type Clock,
  exportFileName,
  exportRow,
  type IsoWeek,
  type Log,
  type Mailer,
  type Playbook,
  previousWeek,
  type Store,
} from "@redial/core";
import { csvText } from "./csv.ts";

export const WEEKLY_EXPORT_JOB = "weekly-export";
/**
 * SES v2 takes messages up to 40 MB after base64 (×4/3); past this the mail says to fetch the file
 * from the API or the CLI instead of bouncing. About 80,000 rows.
 */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

export interface WeeklyExportDeps {
  store: Pick<Store, "enteredQueue" | "claimJobRun" | "releaseJobRun">;
  mailer: Mailer;
  clock: Clock;
  log: Log;
  playbook: Pick<Playbook, "team" | "weeklyExport">;
  recipients: string[];
  /** The verified domain the mail comes from (`redial@<domain>`). */
  emailDomain: string;
  /** Where the API is, for the link to the same export on demand. */
  publicUrl: string;
}

export type WeeklyExportResult =
  | { result: "sent"; week: string; rows: number; files: string[]; messageIds: string[] }
  | { result: "skipped"; week: string; reason: string };

export async function runWeeklyExport(deps: WeeklyExportDeps): Promise<WeeklyExportResult> {
  const week = previousWeek(deps.clock.now(), deps.playbook.team.timezone);
  if (deps.recipients.length === 0) {
    deps.log.warn("export.no_recipients", { week: week.id, note: "REDIAL_EXPORT_RECIPIENTS is empty" });
    return { result: "skipped", week: week.id, reason: "no recipients" };
  }
  if (!(await deps.store.claimJobRun(WEEKLY_EXPORT_JOB, week.id, deps.clock.now()))) {
    return { result: "skipped", week: week.id, reason: "already sent" };
  }
  try {
    const files = await buildFiles(deps, week);
    const messageIds: string[] = [];
    for (const to of deps.recipients) {
      const { messageId } = await deps.mailer.send(exportMail(deps, week, files, to));
      messageIds.push(messageId);
    }
    const rows = files[0]?.rows ?? 0;
    deps.log.info("export.sent", { week: week.id, rows, recipients: deps.recipients.length });
    return { result: "sent", week: week.id, rows, files: files.map((f) => f.filename), messageIds };
  } catch (error) {
    // Nothing (or not everything) went out: let the scheduler's retry try the week again.
    await deps.store.releaseJobRun(WEEKLY_EXPORT_JOB, week.id);
    throw error;
  }
}

interface ExportFile {
  filename: string;
  rows: number;
  content: string;
}

/** One pass over the week: the team's rows, and each owner's when the playbook asks for them. */
async function buildFiles(deps: WeeklyExportDeps, week: IsoWeek): Promise<ExportFile[]> {
  const team: string[][] = [];
  const byOwner = new Map<string, string[][]>();
  for await (const item of deps.store.enteredQueue({ from: week.start, to: week.end })) {
    const row = exportRow(item);
    team.push(row);
    if (!deps.playbook.weeklyExport.perOwner) continue;
    const rows = byOwner.get(item.entry.ownerId) ?? [];
    if (rows.length === 0) byOwner.set(item.entry.ownerId, rows);
    rows.push(row);
  }
  const file = (rows: string[][], ownerId?: string): ExportFile => ({
    filename: exportFileName(week, ownerId),
    rows: rows.length,
    content: csvText(rows),
  });
  return [file(team), ...[...byOwner].map(([owner, rows]) => file(rows, owner))];
}

function exportMail(deps: WeeklyExportDeps, week: IsoWeek, files: ExportFile[], to: string) {
  const [team] = files;
  const size = files.reduce((sum, f) => sum + Buffer.byteLength(f.content), 0);
  const attach = size <= MAX_ATTACHMENT_BYTES;
  const link = `${deps.publicUrl}/v1/exports/recycled?week=${week.id}`;
  const lines = [
    `${team?.rows ?? 0} prospect(s) came back into the call queue in ${week.id}.`,
    ...files.slice(1).map((f) => `  ${f.filename}: ${f.rows}`),
    "",
    attach
      ? "The CSV is attached (one file for the team, and one per owner when configured)."
      : `The files are too large to attach; fetch them from ${link} or with \`npx redial export --week ${week.id}\`.`,
    `The same export on demand: ${link}`,
  ];
  const text = lines.join("\n");
  return {
    to,
    from: { name: "Redial", address: `redial@${deps.emailDomain}` },
    replyTo: [],
    subject: `Redial: ${team?.rows ?? 0} lead(s) came back in ${week.id}`,
    text,
    html: `<pre>${escapeHtml(text)}</pre>`,
    headers: [],
    tags: { kind: "weekly-export", week: week.id },
    ...(attach
      ? {
          attachments: files.map((f) => ({
            filename: f.filename,
            contentType: "text/csv",
            content: f.content,
          })),
        }
      : {}),
  };
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
