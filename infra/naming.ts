/**
 * Physical names of the stack's resources, from project and stage. Pure, so the
 * Pulumi program, the local stack and the operator tools agree on every name.
 */
export interface StackNames {
  prefix: string;
  tenantsTable: string;
  connectionsTable: string;
  /** Per-user ask counters (fixed one-minute windows, expired by TTL). */
  limitsTable: string;
  /** Offboarding records (I17): one per offboarded user, expired by TTL. */
  revocationsTable: string;
  /** Usage counters and per-answer records (lambdas/common/usage-keys.ts), expired by TTL. */
  usageTable: string;
  /** `…-orders-` : the per-tenant orders table is this prefix + tenantId. */
  ordersTablePrefix: string;
  ordersTable(tenantId: string): string;
  functionName(fn: FunctionName): string;
  /** The function's execution role (IAM role names: at most 64 characters). */
  functionRoleName(fn: FunctionName): string;
  tenantAccessRole: string;
  connectionsUserIndex: string;
}

export type FunctionName = "authorizer" | "chat" | "action-group" | "offboarding";
export const FUNCTION_NAMES: readonly FunctionName[] = ["authorizer", "chat", "action-group", "offboarding"];

/** The WebSocket subprotocol the page offers next to its token. */
export const APP_PROTOCOL = "mta.v1";

export function stackNames(project: string, stage: string): StackNames {
  const prefix = `${project}-${stage}`;
  const ordersTablePrefix = `${prefix}-orders-`;
  return {
    prefix,
    tenantsTable: `${prefix}-tenants`,
    connectionsTable: `${prefix}-connections`,
    limitsTable: `${prefix}-limits`,
    revocationsTable: `${prefix}-revocations`,
    usageTable: `${prefix}-usage`,
    ordersTablePrefix,
    ordersTable: (tenantId) => `${ordersTablePrefix}${tenantId}`,
    functionName: (fn) => `${prefix}-${fn}`,
    functionRoleName: (fn) => `${prefix}-${fn}-role`,
    tenantAccessRole: `${prefix}-tenant-access`,
    connectionsUserIndex: "byUserId",
  };
}
