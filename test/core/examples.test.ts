import { readdirSync, readFileSync } from "node:fs";
import { decide, InboundEvent } from "@redial/core";
import { describe, expect, it } from "vitest";
import { playbook } from "../support/core.ts";

/** The canonical bodies of ../shared/examples/events and the rule each must yield (their README). */
const EXPECTED: Record<string, string> = {
  "01": "R2",
  "02": "R5",
  "03": "R8",
  "04": "R4",
  "05": "R0",
  "06": "R1",
};
const dir = new URL("../../../shared/examples/events/", import.meta.url);

describe("the shared example events", () => {
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  it("are all here", () => expect(files.map((f) => f.slice(0, 2)).sort()).toEqual(Object.keys(EXPECTED)));

  for (const file of files) {
    it(`${file} parses and yields ${EXPECTED[file.slice(0, 2)]}`, () => {
      const event = InboundEvent.parse(JSON.parse(readFileSync(new URL(file, dir), "utf8")));
      expect(decide(null, event, playbook, new Date(event.occurredAt)).rule).toBe(EXPECTED[file.slice(0, 2)]);
    });
  }
});
