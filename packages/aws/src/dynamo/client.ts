/**
 * The DynamoDB document client Redial uses, and a request counter for tests and the benchmark.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type ClientOptions, clientConfig } from "../endpoint.ts";

export type { ClientOptions };

export function createDocumentClient(options: ClientOptions = {}): DynamoDBDocumentClient {
  const client = new DynamoDBClient(clientConfig(options));
  return DynamoDBDocumentClient.from(client, {
    // Optional fields of core's types (a timer's `step`, an action's `window`) are often undefined.
    marshallOptions: { removeUndefinedValues: true },
  });
}

export interface RequestCounter {
  /** HTTP requests per operation name (`BatchGetItem`, `TransactWriteItems`, …), retries included. */
  counts: Record<string, number>;
  total(): number;
  reset(): void;
}

let counters = 0;

/** Counts every request `client` sends from now on (the document client shares its stack). */
export function countRequests(client: DynamoDBClient | DynamoDBDocumentClient): RequestCounter {
  const counter: RequestCounter = {
    counts: {},
    total: () => Object.values(counter.counts).reduce((sum, n) => sum + n, 0),
    reset: () => {
      for (const name of Object.keys(counter.counts)) delete counter.counts[name];
    },
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context.commandName ?? "Unknown").replace(/Command$/, "");
      counter.counts[name] = (counter.counts[name] ?? 0) + 1;
      return next(args);
    },
    // Inside the retry middleware (finalizeRequest, high priority), so each attempt is one request.
    { step: "finalizeRequest", priority: "low", name: `redialCountRequests${++counters}` },
  );
  return counter;
}
