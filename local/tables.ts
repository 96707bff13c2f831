/**
 * The stack's DynamoDB tables, created in the local store exactly as the Pulumi program
 * declares them (tenants pooled, orders siloed per tenant, connections with the byUserId
 * GSI, the per-user ask counters), and the tenant rows seeded from the stack configuration.
 *
 * No TTL locally: dynalite does not implement UpdateTimeToLive. Nothing depends on it:
 * ask counters are keyed by their minute, so an unexpired counter is simply never read
 * again; the local store is in memory and goes with the stack.
 */
import {
  CreateTableCommand,
  PutItemCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import type { StackConfig } from "../infra/config";
import type { StackNames } from "../infra/naming";

/** Pure: the CreateTable requests for a configuration. */
export function tableDefinitions(names: StackNames, config: StackConfig): CreateTableCommandInput[] {
  return [
    {
      TableName: names.tenantsTable,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "tenantId", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "tenantId", KeyType: "HASH" }],
    },
    {
      TableName: names.connectionsTable,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "connectionId", AttributeType: "S" },
        { AttributeName: "userId", AttributeType: "S" },
      ],
      KeySchema: [{ AttributeName: "connectionId", KeyType: "HASH" }],
      GlobalSecondaryIndexes: [
        {
          IndexName: names.connectionsUserIndex,
          KeySchema: [{ AttributeName: "userId", KeyType: "HASH" }],
          Projection: { ProjectionType: "ALL" },
        },
      ],
    },
    {
      TableName: names.limitsTable,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "limitKey", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "limitKey", KeyType: "HASH" }],
    },
    ...config.tenants.map(
      (tenant): CreateTableCommandInput => ({
        TableName: names.ordersTable(tenant.id),
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: "userId", AttributeType: "S" },
          { AttributeName: "orderId", AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: "userId", KeyType: "HASH" },
          { AttributeName: "orderId", KeyType: "RANGE" },
        ],
      }),
    ),
  ];
}

export async function createTablesAndSeed(client: DynamoDBClient, names: StackNames, config: StackConfig): Promise<void> {
  await Promise.all(tableDefinitions(names, config).map((input) => client.send(new CreateTableCommand(input))));
  await Promise.all(
    config.tenants.map((tenant) =>
      client.send(
        new PutItemCommand({
          TableName: names.tenantsTable,
          Item: {
            tenantId: { S: tenant.id },
            displayName: { S: tenant.displayName },
            ordersTableName: { S: names.ordersTable(tenant.id) },
            returnPolicyDays: { N: String(tenant.returnPolicyDays) },
          },
        }),
      ),
    ),
  );
}
