/**
 * Do the stacks checks catch real mistakes? Each deliberate mistake below is applied to a copy of the
 * project (tracked files as they are in the working tree; node_modules and .sst/platform linked, not
 * copied), then the stacks checks run there alone: the type check against SST's own types
 * (tsconfig.stacks.json) and test/stacks (SST's real components under Pulumi's mocks). A mistake is
 * caught when either fails; the unchanged copy must pass them first, else nothing is judged. `npm run mutate:stacks` prints a table and exits 1 if any survived.
 * Needs SST's platform (`npm run sst:install`); takes about a minute per mistake on 2 cores.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

interface Mutation {
  mistake: string;
  file: string;
  find: string;
  replace: string;
}

export const MUTATIONS: Mutation[] = [
  {
    mistake: "a wrong memory unit",
    file: "stacks/api.ts",
    find: `memory: "512 MB"`,
    replace: `memory: "512 MiB"`,
  },
  {
    mistake: "a 16-minute timeout (Lambda's maximum is 15)",
    file: "stacks/timers.ts",
    find: `timeout: "15 minutes"`,
    replace: `timeout: "16 minutes"`,
  },
  {
    mistake: "a misspelled alarm key",
    file: "stacks/alarms.ts",
    find: "evaluationPeriods: 1,",
    replace: "evaluationPeriod: 1,",
  },
  { mistake: "a misspelled retry key", file: "stacks/jobs.ts", find: "retries: 3,", replace: "retry: 3," },
  {
    mistake: "a missing permission (the timer runners cannot send email)",
    file: "stacks/timers.ts",
    find: "const runnerPermissions = [...schedulerPermissions, ...sesPermissions];",
    replace: "const runnerPermissions = [...schedulerPermissions];",
  },
  {
    mistake: "an extra wildcard action",
    file: "stacks/timers.ts",
    find: "const runnerPermissions = [...schedulerPermissions, ...sesPermissions];",
    replace: `const runnerPermissions = [...schedulerPermissions, ...sesPermissions, { actions: ["ses:*"], resources: ["*"] }];`,
  },
  {
    mistake: "a bad time zone for a cron",
    file: "stacks/timers.ts",
    find: `timezone: "UTC",`,
    replace: `timezone: "Mars/Olympus",`,
  },
  {
    mistake: "a removed link (no function links the table)",
    file: "stacks/function-config.ts",
    find: "{ Table: table, ...linkedSecrets }",
    replace: "{ ...linkedSecrets }",
  },
  {
    mistake: "a secret in a function's environment (the API token given to the SES-events function)",
    file: "stacks/email.ts",
    find: `...functionConfig("ses-events"),`,
    replace: `...functionConfig("ses-events"),
  environment: { ...functionConfig("ses-events").environment, REDIAL_API_TOKEN: "leaked" },`,
  },
  {
    mistake: "a Lambda permission principal typo",
    file: "stacks/email.ts",
    find: `principal: "events.amazonaws.com",`,
    replace: `principal: "event.amazonaws.com",`,
  },
  {
    mistake: "the table's link back to dynamodb:*",
    file: "stacks/storage.ts",
    find: "sst.aws.permission({ actions: TABLE_ITEM_ACTIONS, resources: [dynamo.arn] })",
    replace: `sst.aws.permission({ actions: ["dynamodb:*"], resources: [dynamo.arn] })`,
  },
  {
    mistake: "function roles trusting the account root again",
    file: "stacks/config.ts",
    find: "transform: { role: lambdaOnlyTrust },",
    replace: "",
  },
  {
    mistake: "the weekly export cron on the wrong weekday",
    file: "stacks/jobs.ts",
    find: `const WEEKDAYS = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"] as const;`,
    replace: `const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;`,
  },
];

/** The project as tracked, into a fresh directory; node_modules and .sst linked. */
function copyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), "redial-mutant-"));
  const files = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0");
  for (const file of files.filter((f) => f && existsSync(join(ROOT, f)))) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(ROOT, file), join(dir, file));
  }
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  mkdirSync(join(dir, ".sst"));
  symlinkSync(join(ROOT, ".sst/platform"), join(dir, ".sst/platform"));
  // `sst install` writes the providers' lock beside the platform; the program's globals come from it.
  cpSync(join(ROOT, ".sst/provider-lock.json"), join(dir, ".sst/provider-lock.json"));
  return dir;
}

interface Verdict {
  mistake: string;
  caughtBy: string[];
  seconds: number;
}

function run(dir: string, command: string, args: string[]) {
  return spawnSync(command, args, { cwd: dir, encoding: "utf8", env: { ...process.env, CI: "true" } });
}

/** The failing tests' names, or the error that stopped a file, from vitest's JSON report. */
function failedTests(report: string): string[] {
  if (!existsSync(report)) return [];
  const json = JSON.parse(readFileSync(report, "utf8")) as {
    testResults: { name: string; message?: string; assertionResults: { status: string; title: string }[] }[];
  };
  return json.testResults.flatMap((file) => {
    const failed = file.assertionResults.filter((t) => t.status === "failed").map((t) => `test: ${t.title}`);
    if (failed.length) return failed;
    const firstLine = file.message?.split("\n").find((line) => line.trim()) ?? "";
    return firstLine ? [`${file.name.split("/").pop()}: ${firstLine}`] : [];
  });
}

function check(mutation: Mutation | null): Verdict {
  const started = Date.now();
  const dir = copyProject();
  try {
    if (mutation) {
      const file = join(dir, mutation.file);
      const source = readFileSync(file, "utf8");
      if (!source.includes(mutation.find))
        throw new Error(
          `${mutation.file} no longer contains ${JSON.stringify(mutation.find)}: update MUTATIONS`,
        );
      writeFileSync(file, source.replace(mutation.find, mutation.replace));
    }
    const caughtBy: string[] = [];
    const typecheck = run(dir, "npx", ["tsc", "-p", "tsconfig.stacks.json"]);
    if (typecheck.status !== 0) {
      const first = typecheck.stdout.split("\n").find((line) => line.includes("error TS")) ?? "";
      caughtBy.push(`typecheck:stacks: ${first.replace(/^.*?error /, "")}`);
    }
    const report = join(dir, "vitest-report.json");
    const tests = run(dir, "npx", [
      "vitest",
      "run",
      "test/stacks",
      "--reporter=json",
      `--outputFile=${report}`,
    ]);
    if (tests.status !== 0)
      caughtBy.push(...(failedTests(report).length ? failedTests(report) : ["test/stacks failed to run"]));
    return {
      mistake: mutation?.mistake ?? "(none: the project as it is)",
      caughtBy,
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!existsSync(join(ROOT, ".sst/platform/package.json")))
    throw new Error("SST's platform is not installed: run `npm run sst:install` first");
  // An optional pattern runs only the mistakes it matches: `npm run mutate:stacks -- "link|secret"`.
  const only = process.argv[2] ? new RegExp(process.argv[2]) : undefined;
  // First the copy as it is: the checks must pass there, or every "caught" below would mean nothing.
  const baseline = check(null);
  if (baseline.caughtBy.length) {
    process.stderr.write(
      `The stacks checks fail on an unchanged copy:\n  ${baseline.caughtBy.join("\n  ")}\n`,
    );
    process.exit(2);
  }
  process.stdout.write(`baseline: the checks pass on an unchanged copy (${baseline.seconds} s)\n`);
  const verdicts: Verdict[] = [];
  for (const mutation of MUTATIONS.filter((m) => !only || only.test(m.mistake))) {
    const verdict = check(mutation);
    verdicts.push(verdict);
    const mark = verdict.caughtBy.length ? "caught " : "MISSED ";
    process.stdout.write(`${mark} ${verdict.mistake} (${verdict.seconds} s)\n`);
    for (const by of verdict.caughtBy.slice(0, 3)) process.stdout.write(`          ${by.slice(0, 160)}\n`);
  }
  const missed = verdicts.filter((v) => v.caughtBy.length === 0);
  process.stdout.write(`\n${verdicts.length - missed.length} of ${verdicts.length} mistakes caught\n`);
  process.exitCode = missed.length ? 1 : 0;
}
