/** The DynamoDB Local launcher's source hash, as scripts/build-java.ts records it next to the class. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LAUNCHER_CLASS, LAUNCHER_DIR } from "./dynamodb.ts";

export const launcherSourceHash = () =>
  createHash("sha256")
    .update(readFileSync(join(LAUNCHER_DIR, `${LAUNCHER_CLASS}.java`)))
    .digest("hex");

/** The hash recorded when the committed class was compiled. */
export const launcherBuiltFrom = () =>
  readFileSync(join(LAUNCHER_DIR, `${LAUNCHER_CLASS}.java.sha256`), "utf8").trim();
