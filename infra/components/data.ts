/**
 * DynamoDB: the pooled tenants table (seeded from stack config), one silo orders table
 * per tenant, the connections table, the limits table (per-user ask counters), the
 * revocations table (I17) and the usage table (token counters and answer records). Names
 * come from naming.ts so the IAM policies, the functions and the local stack agree on them.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ChildNames } from "./child-names";
import type { TenantConfig } from "../config";
import type { StackNames } from "../naming";
import { keyAttributes, tableSchemas, type TableSchema } from "../table-schemas";
import { tenantTags } from "../tags";
import { tenantItemJson, tenantRecord } from "../tenant-record";

/** A table schema as aws.dynamodb.Table arguments: keys, their attributes, indexes and TTL. */
function keyArgs(schema: TableSchema) {
  return {
    hashKey: schema.hashKey.name,
    ...(schema.rangeKey ? { rangeKey: schema.rangeKey.name } : {}),
    attributes: keyAttributes(schema).map(({ name, type }) => ({ name, type })),
    ...(schema.indexes.length > 0
      ? {
          globalSecondaryIndexes: schema.indexes.map((index) => ({
            name: index.name,
            keySchemas: [{ attributeName: index.hashKey.name, keyType: "HASH" }],
            projectionType: "ALL",
          })),
        }
      : {}),
    ...(schema.ttlAttribute ? { ttl: { attributeName: schema.ttlAttribute, enabled: true } } : {}),
  };
}

export interface DataTablesArgs {
  names: StackNames;
  tenants: readonly TenantConfig[];
  pointInTimeRecovery: boolean;
  deletionProtection: boolean;
}

export class DataTables extends pulumi.ComponentResource {
  readonly tenantsTable: aws.dynamodb.Table;
  /** tenantId → its orders table. */
  readonly ordersTables: Record<string, aws.dynamodb.Table>;
  readonly connectionsTable: aws.dynamodb.Table;
  readonly limitsTable: aws.dynamodb.Table;
  readonly revocationsTable: aws.dynamodb.Table;
  readonly usageTable: aws.dynamodb.Table;

  constructor(name: string, args: DataTablesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mta:infra:DataTables", name, {}, opts);
    const child = new ChildNames(this, name, "data");
    const { names } = args;
    const schemas = tableSchemas(names);
    const common = {
      billingMode: "PAY_PER_REQUEST",
      pointInTimeRecovery: { enabled: args.pointInTimeRecovery },
      deletionProtectionEnabled: args.deletionProtection,
      serverSideEncryption: { enabled: false }, // AWS-owned key: encrypted at rest, no KMS cost
    };
    
    this.tenantsTable = new aws.dynamodb.Table(
      child.name("tenants"),
      { ...common, name: names.tenantsTable, ...keyArgs(schemas.tenants) },
      child.opts("tenants", "tenants"),
    );

    this.ordersTables = {};
    for (const tenant of args.tenants) {
      const tableName = names.ordersTable(tenant.id);
      this.ordersTables[tenant.id] = new aws.dynamodb.Table(
        child.name(`orders-${tenant.id}`),
        // The tenant tag: cost allocation per tenant (tags.ts); project and stage come from the provider.
        { ...common, name: tableName, ...keyArgs(schemas.orders), tags: tenantTags(tenant.id) },
        child.opts(`orders-${tenant.id}`, `orders-${tenant.id}`),
      );
      new aws.dynamodb.TableItem(
        child.name(`tenant-${tenant.id}`),
        {
          tableName: this.tenantsTable.name,
          hashKey: schemas.tenants.hashKey.name,
          item: tenantItemJson(tenantRecord(tenant)),
        },
        child.opts(`tenant-${tenant.id}`, `tenant-${tenant.id}`),
      );
    }

    // Connections and per-minute ask counters are ephemeral (TTL removes them): nothing to
    // back up, and never protected from teardown.
    const ephemeral = { ...common, pointInTimeRecovery: { enabled: false }, deletionProtectionEnabled: false };
    this.connectionsTable = new aws.dynamodb.Table(
      child.name("connections"),
      { ...ephemeral, name: names.connectionsTable, ...keyArgs(schemas.connections) },
      child.opts("connections", "connections"),
    );
    // One item per user and minute (lambdas/chat/ask-rate-limit.ts).
    this.limitsTable = new aws.dynamodb.Table(child.name("limits"), { ...ephemeral, name: names.limitsTable, ...keyArgs(schemas.limits) }, child.opts("limits", "limits"));
    // One offboarding record per user (I17), expired by TTL once every older token has.
    this.revocationsTable = new aws.dynamodb.Table(
      child.name("revocations"),
      { ...ephemeral, name: names.revocationsTable, ...keyArgs(schemas.revocations) },
      child.opts("revocations", "revocations"),
    );

    // Usage is the tenants' bill and budget state: backed up and protected like the tenants
    // table; answer records expire by TTL after the retention (stack setting usage.retentionDays).
    this.usageTable = new aws.dynamodb.Table(child.name("usage"), { ...common, name: names.usageTable, ...keyArgs(schemas.usage) }, child.opts("usage", "usage"));

    this.registerOutputs({
      tenantsTableName: this.tenantsTable.name,
      connectionsTableName: this.connectionsTable.name,
      limitsTableName: this.limitsTable.name,
      revocationsTableName: this.revocationsTable.name,
      usageTableName: this.usageTable.name,
    });
  }
}
