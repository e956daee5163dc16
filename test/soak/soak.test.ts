/**
 * The short soak, in `npm test` (issue 6): a few hundred prospects over two simulated years with
 * faults at 1 %, then the whole-table invariant checker must find nothing. `npm run soak` is the long
 * one (10,000 prospects). SOAK_SEED reproduces a run. Two tables (shards) on the one DynamoDB Local
 * of the test run: no faster, but the routing by owner that `npm run soak` relies on runs here too.
 */
import { randomUUID } from "node:crypto";
import { type SesLocal, startSesLocal } from "@redial/local";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { checkReport, formatViolations } from "../support/check.ts";
import { runSoak } from "./driver.ts";

const SEED = Number(process.env.SOAK_SEED ?? 20261123);
let ses: SesLocal;

beforeAll(async () => {
  ses = await startSesLocal({ port: 0 });
});
afterAll(async () => {
  await ses?.stop();
});

describe(`the short soak (seed ${SEED})`, () => {
  it("200 prospects, two years, every event type, duplicates, delays and 1 % faults: every delivery lands, no invariant broken", async () => {
    const run = randomUUID();
    const shards = [0, 1].map((shard) => ({
      dynamoEndpoint: inject("dynamoEndpoint"),
      tableName: `redial-soak-${run}-${shard}`,
    }));
    const report = await runSoak({
      seed: SEED,
      prospects: 200,
      days: 730,
      faultRate: 0.01,
      shards,
      ses,
    });
    console.log(JSON.stringify({ ...report, playbook: undefined }));
    expect(report.deliveries).toBeGreaterThan(200);
    expect(report.duplicates).toBeGreaterThan(0);
    expect(report.givenUp).toBe(0);
    expect(report.faults).toBeGreaterThan(20); // the faults were injected, and survived
    expect(report.redeliveries).toBeGreaterThan(0);
    expect(report.timerRuns).toBeGreaterThan(200);
    const checks = await Promise.all(shards.map(({ tableName }) => checkReport(tableName, report.playbook)));
    const violations = checks.flatMap((check) => check.violations);
    expect(violations, formatViolations(violations)).toEqual([]);
    // Owners 0, 2, 4… in the first table, 1, 3, 5… in the second: 100 prospects each.
    expect(checks.map((check) => check.prospects)).toEqual([100, 100]);
  }, 300_000);
});
