/**
 * DynamoDB: the pooled tenants table (seeded from stack config), one silo orders table
 * per tenant, the connections table and the limits table (per-user ask counters). Names
 * come from naming.ts so the IAM policies, the functions and the local stack agree on them.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { TenantConfig } from "../config";
import type { StackNames } from "../naming";
import { tenantItemJson, tenantRecord } from "../tenant-record";

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

  constructor(name: string, args: DataTablesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mta:infra:DataTables", name, {}, opts);
    const { names } = args;
    const common = {
      billingMode: "PAY_PER_REQUEST",
      pointInTimeRecovery: { enabled: args.pointInTimeRecovery },
      deletionProtectionEnabled: args.deletionProtection,
      serverSideEncryption: { enabled: false }, // AWS-owned key: encrypted at rest, no KMS cost
    };
    const child = { parent: this };

    this.tenantsTable = new aws.dynamodb.Table(
      "tenants",
      { ...common, name: names.tenantsTable, hashKey: "tenantId", attributes: [{ name: "tenantId", type: "S" }] },
      child,
    );

    this.ordersTables = {};
    for (const tenant of args.tenants) {
      const tableName = names.ordersTable(tenant.id);
      this.ordersTables[tenant.id] = new aws.dynamodb.Table(
        `orders-${tenant.id}`,
        {
          ...common,
          name: tableName,
          hashKey: "userId",
          rangeKey: "orderId",
          attributes: [
            { name: "userId", type: "S" },
            { name: "orderId", type: "S" },
          ],
        },
        child,
      );
      new aws.dynamodb.TableItem(
        `tenant-${tenant.id}`,
        {
          tableName: this.tenantsTable.name,
          hashKey: "tenantId",
          item: tenantItemJson(tenantRecord(tenant, tableName)),
        },
        { parent: this },
      );
    }

    this.connectionsTable = new aws.dynamodb.Table(
      "connections",
      {
        ...common,
        // Connections are ephemeral: no backups needed, and never protected from teardown.
        pointInTimeRecovery: { enabled: false },
        deletionProtectionEnabled: false,
        name: names.connectionsTable,
        hashKey: "connectionId",
        attributes: [
          { name: "connectionId", type: "S" },
          { name: "userId", type: "S" },
        ],
        globalSecondaryIndexes: [
          {
            name: names.connectionsUserIndex,
            keySchemas: [{ attributeName: "userId", keyType: "HASH" }],
            projectionType: "ALL",
          },
        ],
        ttl: { attributeName: "ttl", enabled: true },
      },
      { parent: this },
    );

    // One item per user and minute (lambdas/chat/ask-rate-limit.ts); TTL removes old windows.
    this.limitsTable = new aws.dynamodb.Table(
      "limits",
      {
        ...common,
        // Counters of past minutes: nothing to back up or protect.
        pointInTimeRecovery: { enabled: false },
        deletionProtectionEnabled: false,
        name: names.limitsTable,
        hashKey: "limitKey",
        attributes: [{ name: "limitKey", type: "S" }],
        ttl: { attributeName: "ttl", enabled: true },
      },
      { parent: this },
    );

    this.registerOutputs({
      tenantsTableName: this.tenantsTable.name,
      connectionsTableName: this.connectionsTable.name,
      limitsTableName: this.limitsTable.name,
    });
  }
}
