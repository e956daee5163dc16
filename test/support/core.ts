/** Builders for core tests: events with sensible defaults, the default playbook, and a decide() chain. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  type Decision,
  type DecisionInput,
  decide,
  type InboundEvent,
  InboundEvent as InboundEventSchema,
  type Playbook,
  type Prospect,
  parsePlaybook,
  type Timer,
} from "@redial/core";

export const playbookText = readFileSync(
  fileURLToPath(new URL("../../playbook/playbook.yaml", import.meta.url)),
  "utf8",
);
export const playbook: Playbook = parsePlaybook(playbookText);

type Extra = Record<string, unknown>;

/** A valid inbound event for prospect `p-1` in New York, owned by rep-7, validated by the real schema. */
export function event(
  type: InboundEvent["type"],
  occurredAt: string,
  extra: Extra = {},
  prospect: Extra = {},
): InboundEvent {
  return InboundEventSchema.parse({
    type,
    occurredAt,
    prospect: {
      id: "p-1",
      email: "dana@northwind.example",
      firstName: "Dana",
      company: "Northwind",
      timezone: "America/New_York",
      owner: { id: "rep-7", email: "wendy@acme.example", name: "Wendy Ward" },
      ...prospect,
    },
    ...extra,
  });
}

export const softNo = (at: string, prospect: Extra = {}) =>
  event("call.rejected", at, { reason: "all_set" }, prospect);

/** Applies inputs in order, each decided at its own `occurredAt` unless `now` is given. */
export function chain(inputs: DecisionInput[], options: { now?: string; start?: Prospect | null } = {}) {
  let state = options.start ?? null;
  const decisions: Decision[] = [];
  for (const input of inputs) {
    const decision = decide(state, input, playbook, new Date(options.now ?? input.occurredAt));
    decisions.push(decision);
    state = decision.next;
  }
  const last = decisions.at(-1);
  if (!last) throw new Error("chain() needs at least one input");
  return { decisions, last, state: last.next };
}

/** The prospect's pending `kind` timer (exactly one) comes due at its time: decide() as the runner would. */
export function fire(state: Prospect, kind: Timer["kind"], book: Playbook = playbook) {
  const timer = only(state.timers.filter((t) => t.kind === kind));
  const decision = decide(
    state,
    { type: "timer.due", occurredAt: timer.at, timerId: timer.id },
    book,
    new Date(timer.at),
  );
  return { timer, decision };
}

export const actionsOf = (d: Decision, type: string) =>
  type === "callback"
    ? d.actions.filter((a) => a.purpose === "callback")
    : d.actions.filter((a) => a.type === type && a.purpose === undefined);
export const only = <T>(items: T[]): T => {
  if (items.length !== 1) throw new Error(`Expected exactly one item, got ${items.length}`);
  return items[0] as T;
};
