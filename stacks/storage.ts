import { TABLE } from "../packages/aws/src/dynamo/table";

/**
 * The one table (keys and access patterns: packages/aws/src/dynamo/keys.ts). The same definition
 * creates the table in DynamoDB Local, so local and AWS cannot drift apart.
 */

/**
 * What the store sends (packages/aws/src/dynamo: BatchGet, Get (an SES tag's key), Put, Update,
 * Delete, Query, and TransactWrite, whose items need Put/Update/Delete/ConditionCheckItem), as IAM
 * actions. Every function runs the same store, so each gets these, and nothing on the table itself.
 */
export const TABLE_ITEM_ACTIONS = [
  "dynamodb:BatchGetItem",
  "dynamodb:ConditionCheckItem",
  "dynamodb:DeleteItem",
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:Query",
  "dynamodb:UpdateItem",
];

/**
 * `link: [table]` grants item-level actions on the table and Query on its indexes. SST's own Dynamo
 * link grants `dynamodb:*` on the table and everything under it: any function, the public API
 * included, could then delete the table, lift its deletion protection (UpdateTable) or drop its
 * backups. Wrapped before any function links the table.
 */
sst.Linkable.wrap(sst.aws.Dynamo, (dynamo) => ({
  properties: { name: dynamo.name },
  include: [
    sst.aws.permission({ actions: TABLE_ITEM_ACTIONS, resources: [dynamo.arn] }),
    sst.aws.permission({ actions: ["dynamodb:Query"], resources: [$interpolate`${dynamo.arn}/index/*`] }),
  ],
}));

export const table = new sst.aws.Dynamo("Table", {
  ...TABLE,
  deletionProtection: $app.stage === "prod",
  transform: {
    table: (args) => {
      args.pointInTimeRecovery = { enabled: true };
    },
  },
});
