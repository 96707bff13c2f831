/**
 * Cost-allocation tags (pure). Every taggable resource gets the stack's tags through the
 * AWS provider's default tags (index.ts); per-tenant resources also carry `tenant`, so a
 * tenant's share of the bill can be read per tag (activate `project`, `stage` and `tenant`
 * as cost allocation tags in the Billing console: docs/deploy.md §Tags).
 */
export const TENANT_TAG = "tenant";

/** `project` and `stage` (the Pulumi stack name as typed; tag values allow `[\w .:/=+@-]`). */
export function stackTags(project: string, stack: string): Record<string, string> {
  return { project, stage: stack };
}

export function tenantTags(tenantId: string): Record<string, string> {
  return { [TENANT_TAG]: tenantId };
}
