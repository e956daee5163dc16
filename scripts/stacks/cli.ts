/**
 * `npm run stacks:mocked -- --stage prod`: the SST program run under Pulumi's mocks
 * (./run-mocked.ts); prints the resources per type and every function's Lambda, role and bundle, and
 * writes the whole record to `.sst/mocked-<stage>.json` (git-ignored). The environment is
 * ./sample-env.ts with any REDIAL_* / SST_SECRET_* of the calling shell on top. Exit code 1 when
 * the program fails (the record written so far is still saved).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { countByType, formatFunctions } from "./report.ts";
import { type MockedRun, MockedRunError, ROOT, runMocked } from "./run-mocked.ts";
import { SAMPLE_ENV } from "./sample-env.ts";

const { values } = parseArgs({ options: { stage: { type: "string", default: "prod" } } });
const stage = values.stage ?? "prod";
const env = { ...SAMPLE_ENV };
for (const [key, value] of Object.entries(process.env))
  if (/^(REDIAL_|SST_SECRET_)/.test(key) && value !== undefined) env[key] = value;

function save(run: MockedRun, errors: string[]) {
  const file = join(ROOT, ".sst", `mocked-${stage}.json`);
  writeFileSync(file, `${JSON.stringify({ ...run, errors }, null, 2)}\n`);
  const counts = countByType(run.resources);
  console.log(`${run.resources.length} resources (stage ${stage}):`);
  for (const [type, count] of Object.entries(counts)) console.log(`  ${String(count).padStart(3)} ${type}`);
  console.log(`\n${formatFunctions(run)}\n`);
  console.log(`outputs: ${JSON.stringify(run.outputs)}`);
  const t = run.timings;
  console.log(
    `app() ${t.appMs} ms, bundle ${t.bundleMs} ms, program ${t.programMs} ms, total ${t.totalMs} ms`,
  );
  console.log(`written to ${file}`);
}

try {
  save(await runMocked({ stage, env }), []);
} catch (error) {
  if (error instanceof MockedRunError) save(error.run, error.errors);
  console.error(`\n${(error as Error).message}`);
  process.exitCode = 1;
}
