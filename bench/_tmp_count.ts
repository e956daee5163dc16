import { DateTime } from "luxon";
import { type DecisionInput, decide, InboundEvent, type Prospect } from "@redial/core";
import { loadPlaybook } from "@redial/functions";
import { loadExamples } from "../test/support/examples.ts";
const counts: Record<string, number> = {};
const wrap = (obj: any, name: string, label: string) => { const orig = obj[name]; obj[name] = function (...a: any[]) { counts[label] = (counts[label] ?? 0) + 1; return orig.apply(this, a); }; };
wrap(DateTime, "fromObject", "fromObject"); wrap(DateTime, "fromMillis", "fromMillis"); wrap(DateTime, "fromISO", "fromISO"); wrap(DateTime.prototype, "setZone", "setZone"); wrap(DateTime.prototype, "plus", "plus"); wrap(DateTime.prototype, "set", "set"); wrap(DateTime.prototype, "toMillis", "toMillis");
const playbook = loadPlaybook();
const now = new Date("2026-12-01T12:00:00Z");
const firsts = loadExamples().map((e) => InboundEvent.parse(e.json));
for (const input of firsts) {
  const before = decide(null, input, playbook, now).next;
  const later = new Date(Date.parse(input.occurredAt) + 86_400_000).toISOString();
  decide(before, { ...input, occurredAt: later }, playbook, now);
  for (const k in counts) delete counts[k];
  const d = decide(before, { ...input, occurredAt: later }, playbook, now);
  console.log(d.rule, JSON.stringify(counts));
}
