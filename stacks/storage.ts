import { TABLE } from "../packages/aws/src/dynamo/table";

/**
 * The one table (keys and access patterns: packages/aws/src/dynamo/keys.ts). The same definition
 * creates the table in DynamoDB Local, so local and AWS cannot drift apart.
 */
export const table = new sst.aws.Dynamo("Table", {
  ...TABLE,
  deletionProtection: $app.stage === "prod",
  transform: {
    table: (args) => {
      args.pointInTimeRecovery = { enabled: true };
    },
  },
});
