/**
 * `npm run build:java`: compiles the DynamoDB Local launcher (packages/local/java/) for Java 17 and
 * records its source's SHA-256 beside it. The class is committed, so `npm start` needs a JRE only;
 * this needs a JDK (javac), and is run after editing the launcher's source. A test compares the
 * recorded hash with the source, so a source changed without a rebuild fails.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { dynamoDbLocalHome, LAUNCHER_CLASS, LAUNCHER_DIR } from "../packages/local/src/dynamodb.ts";
import { launcherSourceHash } from "../packages/local/src/launcher.ts";

const source = join(LAUNCHER_DIR, `${LAUNCHER_CLASS}.java`);
// The jar's manifest lists Jetty and the rest of DynamoDBLocal_lib; javac follows it.
const run = spawnSync(
  "javac",
  ["--release", "17", "-cp", join(dynamoDbLocalHome(), "DynamoDBLocal.jar"), "-d", LAUNCHER_DIR, source],
  { stdio: "inherit" },
);
if (run.error || run.status !== 0) {
  console.error(run.error ? `javac could not run (${run.error.message}): install a JDK 17` : "javac failed");
  process.exit(1);
}
writeFileSync(join(LAUNCHER_DIR, `${LAUNCHER_CLASS}.java.sha256`), `${launcherSourceHash()}\n`);
console.log(`Compiled ${LAUNCHER_CLASS}.class for Java 17 into ${LAUNCHER_DIR}`);
