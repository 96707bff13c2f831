/**
 * The tenants-table item of one tenant, in DynamoDB JSON: what aws.dynamodb.TableItem
 * takes (as text) and what the local stack puts (as an object). Pure, so the item both
 * stacks seed is tested without Pulumi.
 */
import type { TenantConfig } from "./config";

export interface TenantRecord {
  tenantId: string;
  displayName: string;
  returnPolicyDays: number;
}

/** The action group finds a tenant's orders table by its prefix + tenant id, not through this record. */
export function tenantRecord(tenant: TenantConfig): TenantRecord {
  return {
    tenantId: tenant.id,
    displayName: tenant.displayName,
    returnPolicyDays: tenant.returnPolicyDays,
  };
}

/** DynamoDB's attribute-value form of the record. */
export function tenantItem(record: TenantRecord): Record<keyof TenantRecord, { S: string } | { N: string }> {
  return {
    tenantId: { S: record.tenantId },
    displayName: { S: record.displayName },
    returnPolicyDays: { N: String(record.returnPolicyDays) },
  };
}

export function tenantItemJson(record: TenantRecord): string {
  return JSON.stringify(tenantItem(record));
}
