import { type DecisionInput, decide, InboundEvent, type Prospect } from "@redial/core";
import { loadPlaybook } from "@redial/functions";
import { loadExamples } from "../test/support/examples.ts";
const playbook = loadPlaybook();
const now = new Date("2026-12-01T12:00:00Z");
const firsts = loadExamples().map((e) => InboundEvent.parse(e.json));
const mix: { before: Prospect | null; input: DecisionInput; name: string }[] = [];
for (const input of firsts) {
  const before = decide(null, input, playbook, now).next;
  const later = new Date(Date.parse(input.occurredAt) + 86_400_000).toISOString();
  mix.push({ before: null, input, name: input.type + "1" }, { before, input: { ...input, occurredAt: later }, name: input.type + "2" });
}
const only = process.env.ONLY;
const list = only ? mix.filter((m) => m.name === only) : mix;
const run = (ms: number) => { const s = performance.now(); let c = 0; while (performance.now() - s < ms) { for (const m of list) decide(m.before, m.input, playbook, now); c += list.length; } return Math.round(c * 1000 / (performance.now() - s)); };
run(1500);
console.log("mix", run(3000));
if (process.env.EACH) for (const m of mix) { const s = performance.now(); let c = 0; while (performance.now() - s < 300) { decide(m.before, m.input, playbook, now); c++; } console.log(m.name, decide(m.before, m.input, playbook, now).rule, Math.round(c / 0.3)); }
