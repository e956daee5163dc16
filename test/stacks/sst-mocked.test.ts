/**
 * Redial's real SST program (sst.config.ts + stacks/*.ts) run with SST's real components under
 * Pulumi's mocks (scripts/stacks/run-mocked.ts), for `prod` and a dev stage, both as a deploy
 * (`$dev` false). Where stacks.test.ts checks the wiring against a stand-in for SST, this checks
 * what SST itself makes of it: the resources it would register and their inputs, and the function
 * bundles built through a stand-in for the CLI's Runtime.Build with SST's plugin bridge.
 *
 * It needs SST's platform in .sst/platform (`npm run sst:install`): without it the suite is
 * skipped, except in CI (CI=true), where that is a failure. Each function's Lambda settings, role
 * trust, inline policy and bundle are printed for review; most of them are recorded, not asserted.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { countByType, formatFunctions, functionReports } from "../../scripts/stacks/report.ts";
import { type MockedRun, platformMissing, runMocked } from "../../scripts/stacks/run-mocked.ts";
import { SAMPLE_ENV } from "../../scripts/stacks/sample-env.ts";

const FUNCTIONS = ["ApiFunction", "TimerRunner", "ReconcileTimers", "SesEvents", "WeeklyExport"];
const STAGES = ["prod", "dev"] as const;

const missing = platformMissing();
const skip = missing !== undefined && process.env.CI !== "true";
if (skip) console.warn(`test/stacks/sst-mocked.test.ts is skipped: ${missing}`);

describe.skipIf(skip)(
  `SST's real components under Pulumi's mocks${skip ? ` (skipped: ${missing})` : ""}`,
  () => {
    const runs: Partial<Record<(typeof STAGES)[number], MockedRun>> = {};

    // One after the other: each run builds the five bundles into .sst/artifacts, as a deploy does.
    beforeAll(async () => {
      for (const stage of STAGES) runs[stage] = await runMocked({ stage, env: SAMPLE_ENV });
    }, 300_000);

    const runOf = (stage: (typeof STAGES)[number]): MockedRun => {
      const run = runs[stage];
      if (!run) throw new Error(`No mocked run for ${stage}`);
      return run;
    };

    describe.each(STAGES)("stage %s", (stage) => {
      it("records every resource, by type", () => {
        const run = runOf(stage);
        const counts = countByType(run.resources);
        console.log(
          `${stage}: ${run.resources.length} resources in ${run.timings.totalMs} ms ` +
            `(app() ${run.timings.appMs}, bundle ${run.timings.bundleMs}, program ${run.timings.programMs})\n` +
            Object.entries(counts)
              .map(([type, n]) => `  ${String(n).padStart(3)} ${type}`)
              .join("\n"),
        );
        expect(counts["sst:aws:Function"]).toBe(FUNCTIONS.length);
        expect(counts["aws:lambda/function:Function"]).toBe(FUNCTIONS.length);
        for (const type of ["sst:aws:Dynamo", "sst:aws:ApiGatewayV2", "sst:aws:Email", "aws:iam/role:Role"])
          expect(counts[type], type).toBeGreaterThan(0);
        for (const r of run.resources)
          expect(JSON.stringify(r.inputs)).not.toContain("1b47061264138c4ac30d75fd1eb44270");
      });

      it("evaluates app() as SST does", () => {
        const app = runOf(stage).app;
        expect(app).toMatchObject({ name: "redial", stage, home: "aws", providers: { aws: {} } });
        expect(app).toMatchObject(
          stage === "prod" ? { removal: "retain", protect: true } : { removal: "remove", protect: false },
        );
      });

      it("declares the five functions on nodejs22.x, arm64, each with its bundle", () => {
        const reports = functionReports(runOf(stage));
        expect(reports.map((f) => f.name).sort()).toEqual([...FUNCTIONS].sort());
        for (const f of reports) {
          expect(f.runtime, f.name).toBe("nodejs22.x");
          expect(f.architectures, f.name).toEqual(["arm64"]);
          expect(f.bundle?.bytes, f.name).toBeGreaterThan(0);
        }
      });

      it("captures every function's role: trust and inline policy (printed for review)", () => {
        const run = runOf(stage);
        console.log(`${stage}: functions, roles and bundles\n${formatFunctions(run)}`);
        for (const f of functionReports(run)) {
          expect(f.role, f.name).toBeDefined();
          expect(f.assumeRolePolicy?.Statement.length, f.name).toBeGreaterThan(0);
          expect(
            f.inlinePolicies.map((p) => p.name),
            f.name,
          ).toEqual(["inline"]);
          expect(f.inlinePolicies[0]?.Statement.length, f.name).toBeGreaterThan(0);
        }
      });

      it("returns the program's outputs", () => {
        const outputs = runOf(stage).outputs;
        for (const key of [
          "api",
          "table",
          "sender",
          "configurationSet",
          "scheduleGroup",
          "timerRunner",
          "alarms",
        ])
          expect(outputs[key], key).toEqual(expect.any(String));
        expect(outputs.timerRunner).toBe(`redial-${stage}-TimerRunner`);
      });
    });
  },
);
