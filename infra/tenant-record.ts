/**
 * The tenants-table item of one tenant, in DynamoDB JSON (what aws.dynamodb.TableItem
 * takes). Pure, so the item the stack seeds is tested without Pulumi.
 */
import type { TenantConfig } from "./config";

export interface TenantRecord {
  tenantId: string;
  displayName: string;
  ordersTableName: string;
  returnPolicyDays: number;
}

export function tenantRecord(tenant: TenantConfig, ordersTableName: string): TenantRecord {
  return {
    tenantId: tenant.id,
    displayName: tenant.displayName,
    ordersTableName,
    returnPolicyDays: tenant.returnPolicyDays,
  };
}

export function tenantItemJson(record: TenantRecord): string {
  return JSON.stringify({
    tenantId: { S: record.tenantId },
    displayName: { S: record.displayName },
    ordersTableName: { S: record.ordersTableName },
    returnPolicyDays: { N: String(record.returnPolicyDays) },
  });
}
