/**
 * DynamoDB Local is AWS's own emulator, a Java program: without Java 17 nothing else can start, so
 * this is checked first and fails with the command that fixes it rather than a spawn ENOENT later.
 */
import { spawnSync } from "node:child_process";

export const REQUIRED_JAVA = 17;

export type JavaCheck = { ok: true; version: string; major: number } | { ok: false; message: string };

/** Runs `java -version` (it prints to stderr) and reads the major version. */
export function checkJava(command = "java"): JavaCheck {
  const run = spawnSync(command, ["-version"], { encoding: "utf8", timeout: 15_000 });
  if (run.error || run.status !== 0) {
    return {
      ok: false,
      message: missingJavaMessage(
        run.error ? `\`${command}\` was not found` : `\`${command} -version\` failed`,
      ),
    };
  }
  const output = `${run.stderr}${run.stdout}`;
  const version = /version "([^"]+)"/.exec(output)?.[1] ?? output.split("\n")[0]?.trim() ?? "unknown";
  const major = javaMajor(version);
  if (major !== null && major < REQUIRED_JAVA) {
    return { ok: false, message: missingJavaMessage(`Java ${version} is too old`) };
  }
  return { ok: true, version, major: major ?? REQUIRED_JAVA };
}

/** "17.0.15" → 17, "1.8.0_392" → 8 (the old scheme). */
export function javaMajor(version: string): number | null {
  const [first, second] = version.split(/[._+-]/).map((part) => Number.parseInt(part, 10));
  if (first === undefined || Number.isNaN(first)) return null;
  return first === 1 && second !== undefined && !Number.isNaN(second) ? second : first;
}

export function missingJavaMessage(problem: string): string {
  const install =
    process.platform === "darwin"
      ? "brew install openjdk@17   (then follow brew's note to put it on your PATH)"
      : "sudo apt-get install -y openjdk-17-jre-headless";
  return [
    `${problem}. The local runtime needs Java ${REQUIRED_JAVA} or newer for DynamoDB Local.`,
    "Install it with:",
    "",
    `  ${install}`,
    "",
    "then run `java -version` to check, and start again.",
  ].join("\n");
}

/** For entry points: print the reason and exit 1 when Java is missing. */
export function requireJava(): string {
  const java = checkJava();
  if (!java.ok) {
    console.error(java.message);
    process.exit(1);
  }
  return java.version;
}
