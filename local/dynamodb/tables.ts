/**
 * The stack's DynamoDB tables, created in the local store from the same key schemas the
 * Pulumi program declares (infra/table-schemas.ts: tenants pooled, orders siloed per
 * tenant, connections with the byUserId GSI, the per-user ask counters, revocations, usage), and the tenant
 * rows seeded with the same items (infra/tenant-record.ts).
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
import type { StackConfig } from "../../infra/config";
import type { StackNames } from "../../infra/naming";
import { keyAttributes, tableSchemas, type TableSchema } from "../../infra/table-schemas";
import { tenantItem, tenantRecord } from "../../infra/tenant-record";

/** Pure: a table schema as a CreateTable request. */
function createTableInput(tableName: string, schema: TableSchema): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: keyAttributes(schema).map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    KeySchema: [
      { AttributeName: schema.hashKey.name, KeyType: "HASH" },
      ...(schema.rangeKey ? [{ AttributeName: schema.rangeKey.name, KeyType: "RANGE" as const }] : []),
    ],
    ...(schema.indexes.length > 0
      ? {
          GlobalSecondaryIndexes: schema.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [{ AttributeName: index.hashKey.name, KeyType: "HASH" as const }],
            Projection: { ProjectionType: "ALL" as const },
          })),
        }
      : {}),
  };
}

/** Pure: the CreateTable requests for a configuration. */
export function tableDefinitions(names: StackNames, config: StackConfig): CreateTableCommandInput[] {
  const schemas = tableSchemas(names);
  return [
    createTableInput(names.tenantsTable, schemas.tenants),
    createTableInput(names.connectionsTable, schemas.connections),
    createTableInput(names.limitsTable, schemas.limits),
    createTableInput(names.revocationsTable, schemas.revocations),
    createTableInput(names.usageTable, schemas.usage),
    ...config.tenants.map((tenant) => createTableInput(names.ordersTable(tenant.id), schemas.orders)),
  ];
}

export async function createTablesAndSeed(client: DynamoDBClient, names: StackNames, config: StackConfig): Promise<void> {
  await Promise.all(tableDefinitions(names, config).map((input) => client.send(new CreateTableCommand(input))));
  await Promise.all(
    config.tenants.map((tenant) =>
      client.send(new PutItemCommand({ TableName: names.tenantsTable, Item: tenantItem(tenantRecord(tenant)) })),
    ),
  );
}
