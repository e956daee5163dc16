/**
 * I2: no email went to a suppressed address or a stopped prospect (G1), nor outside the prospect's
 * send window (G2: the playbook's `sendWindow` in the prospect's zone, else the owner's, else the
 * team's; business days only, holidays skipped, DST-correct). A send's time is its claim's business
 * time, the instant the send-time guardrails were checked at (send/run-email.ts).
 *
 * The table keeps only the current zone and address. Any applied CRM event may have changed them
 * (every event carries profile fields), so a send followed by one may have gone to another address, in
 * another zone: the suppression and window checks judge only the sends after the last applied CRM
 * event, where the stored address and zone are certain. Nothing may ever go to a stopped prospect.
 */
import { DateTime } from "luxon";
import { prospectCalendar } from "../calendar/prospect-calendar.ts";
import type { Playbook } from "../schemas/playbook.ts";
import { isTerminal } from "../schemas/prospect.ts";
import { allSends } from "./sends.ts";
import type { ProspectSnapshot } from "./types.ts";

export function checkSendGuardrails(snapshot: ProspectSnapshot, playbook: Playbook): string[] {
  const { prospect, suppression } = snapshot;
  if (!prospect) return [];
  const problems: string[] = [];
  const sends = allSends(snapshot);
  if (!sends.length) return problems;

  // G1: the first applied change that stopped the prospect; nothing may be sent after it.
  const stopped = snapshot.timeline.find((entry) => entry.applied && isTerminal(entry.status));
  const cal = prospectCalendar(prospect.profile, playbook);
  const zone = cal.zone;
  const { days, start, end } = playbook.sendWindow;
  // The newest change a CRM event applied (internal events and timers carry no webhook id).
  const lastCrmChange = snapshot.timeline.findLast((e) => e.applied && e.webhookId && e.kind === "event");

  for (const send of sends) {
    const at = Date.parse(send.at);
    const what = `email of timer ${send.timerId} sent ${send.at}`;
    const settled =
      !lastCrmChange ||
      (send.version === undefined ? at > Date.parse(lastCrmChange.at) : send.version > lastCrmChange.version);
    if (settled && suppression && at > Date.parse(suppression.at))
      problems.push(
        `${what} to ${suppression.email}, suppressed since ${suppression.at} (${suppression.reason}) (G1)`,
      );
    if (stopped && at > Date.parse(stopped.at))
      problems.push(`${what} after the prospect was ${stopped.status} at ${stopped.at} (G1)`);
    const local = DateTime.fromMillis(at, { zone: cal.tz });
    if (settled && !cal.inWindow(local, playbook.sendWindow))
      problems.push(
        `${what} = ${local.toFormat("ccc yyyy-MM-dd HH:mm")} in ${zone}, outside the send window (days ${days.join(",")} ${start}–${end}, no holidays) (G2)`,
      );
  }
  return problems;
}
