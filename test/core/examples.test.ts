import { decide, InboundEvent } from "@redial/core";
import { describe, expect, it } from "vitest";
import { playbook } from "../support/core.ts";
import { EXPECTED_RULE, loadExamples } from "../support/examples.ts";

describe("the shared example events", () => {
  const examples = loadExamples();
  it("are all here", () =>
    expect(examples.map((e) => e.file.slice(0, 2))).toEqual(Object.keys(EXPECTED_RULE)));

  for (const { file, rule, json } of examples) {
    it(`${file} parses and yields ${rule}`, () => {
      const event = InboundEvent.parse(json);
      expect(decide(null, event, playbook, new Date(event.occurredAt)).rule).toBe(rule);
    });
  }
});
