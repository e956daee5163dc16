/**
 * Redial's one DynamoDB table, described once. The SST stack (stacks/storage.ts) passes `TABLE` to
 * `sst.aws.Dynamo`; tests and the local runtime create the same table with `ensureTable`. What is
 * stored under which key is in ./keys.ts.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** Shaped for `sst.aws.Dynamo`: `new sst.aws.Dynamo("Table", TABLE)`. */
export const TABLE = {
  fields: {
    pk: "string",
    sk: "string",
    gsi1pk: "string",
    gsi1sk: "string",
    gsi2pk: "string",
    gsi2sk: "string",
  },
  primaryIndex: { hashKey: "pk", rangeKey: "sk" },
  globalIndexes: {
    /** Sharded lists: due timers, the whole call queue, suppressions. */
    gsi1: { hashKey: "gsi1pk", rangeKey: "gsi1sk" },
    /** The call queue of one owner. */
    gsi2: { hashKey: "gsi2pk", rangeKey: "gsi2sk" },
  },
  /** Epoch seconds. TTL deletes late (up to days), so readers also filter on it. */
  ttl: "expiresAt",
} as const;

export type IndexName = keyof typeof TABLE.globalIndexes;

export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    // Traffic follows CRM activity and timers: spiky and mostly idle, so no provisioned capacity.
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: Object.keys(TABLE.fields).map((name) => ({
      AttributeName: name,
      AttributeType: "S",
    })),
    KeySchema: [
      { AttributeName: TABLE.primaryIndex.hashKey, KeyType: "HASH" },
      { AttributeName: TABLE.primaryIndex.rangeKey, KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: Object.entries(TABLE.globalIndexes).map(([name, index]) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: index.hashKey, KeyType: "HASH" },
        { AttributeName: index.rangeKey, KeyType: "RANGE" },
      ],
      // Every listing returns whole items; ALL saves a second read per row.
      Projection: { ProjectionType: "ALL" },
    })),
  };
}

/** Creates the table when missing, waits until it and its indexes are ACTIVE and turns TTL on. Idempotent. */
export async function ensureTable(
  dynamo: DynamoDBClient | DynamoDBDocumentClient,
  tableName: string,
): Promise<void> {
  // A document client is the same client (config, middleware) and passes plain commands through.
  const client = dynamo as DynamoDBClient;
  if ((await describe(client, tableName)) === null) {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName)));
    } catch (error) {
      // Another process created it between our describe and create.
      if ((error as Error).name !== "ResourceInUseException") throw error;
    }
  }
  await waitUntilActive(client, tableName);
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  // UpdateTimeToLive refuses to "enable" what is already enabled.
  if (status === "ENABLED" || status === "ENABLING") return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TABLE.ttl, Enabled: true },
    }),
  );
}

const ACTIVE_TIMEOUT_MS = 300_000;

/** The SDK's waiter only looks at the table; a query on a GSI still CREATING would fail. */
async function waitUntilActive(client: DynamoDBClient, tableName: string) {
  for (const deadline = Date.now() + ACTIVE_TIMEOUT_MS; Date.now() < deadline; ) {
    const table = await describe(client, tableName);
    const indexes = table?.GlobalSecondaryIndexes ?? [];
    if (table?.TableStatus === "ACTIVE" && indexes.every((index) => index.IndexStatus === "ACTIVE")) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`Table ${tableName} did not become ACTIVE within ${ACTIVE_TIMEOUT_MS / 1000} s`);
}

async function describe(client: DynamoDBClient, tableName: string) {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table ?? null;
  } catch (error) {
    if ((error as Error).name === "ResourceNotFoundException") return null;
    throw error;
  }
}
