/**
 * The short soak, in `npm test` (issue 6): a few hundred prospects over two simulated years with
 * faults at 1 %, then the whole-table invariant checker must find nothing. `npm run soak` is the long
 * one (10,000 prospects). SOAK_SEED reproduces a run.
 */
import { randomUUID } from "node:crypto";
import { type SesLocal, startSesLocal } from "@redial/local";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { expectNoViolations } from "../support/check.ts";
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
    const tableName = `redial-soak-${randomUUID()}`;
    const report = await runSoak({
      seed: SEED,
      prospects: 200,
      days: 730,
      faultRate: 0.01,
      dynamoEndpoint: inject("dynamoEndpoint"),
      sesUrl: ses.url,
      tableName,
    });
    console.log(JSON.stringify({ ...report, playbook: undefined }));
    expect(report.deliveries).toBeGreaterThan(200);
    expect(report.duplicates).toBeGreaterThan(0);
    expect(report.givenUp).toBe(0);
    expect(report.faults).toBeGreaterThan(20); // the faults were injected, and survived
    expect(report.redeliveries).toBeGreaterThan(0);
    expect(report.timerRuns).toBeGreaterThan(200);
    const checked = await expectNoViolations(tableName, report.playbook);
    expect(checked.prospects).toBe(200);
  }, 300_000);
});
