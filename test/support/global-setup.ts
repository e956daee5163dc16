/**
 * One DynamoDB Local (AWS's own emulator, in memory) for the whole test run: it takes seconds to
 * start, so suites share it and isolate themselves with a table each (test/support/dynamo.ts).
 * It is started and stopped exactly as `npm start` does it (packages/local/src/dynamodb.ts), so no
 * JVM outlives the run.
 */
import { checkJava, freePort, startDynamoDbLocal } from "@redial/local";
import type { TestProject } from "vitest/node";

export default async function setup(project: TestProject) {
  const java = checkJava();
  if (!java.ok) throw new Error(java.message);
  const dynamo = await startDynamoDbLocal({ port: await freePort(), tableName: "redial-test-bootstrap" });
  project.provide("dynamoEndpoint", dynamo.endpoint);
  return () => dynamo.stop();
}
