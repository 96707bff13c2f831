/**
 * The local identity model: one role per function, the tenant-access role and an
 * operator principal, each with the policy documents infra/policies.ts produces, and
 * credentials for them in the registry. Local account 000000000000 only.
 */
import { FUNCTION_NAMES, type FunctionName, type StackNames } from "../../infra/naming";
import {
  actionGroupRolePolicy,
  authorizerRolePolicy,
  chatRolePolicy,
  offboardingRolePolicy,
  tenantAccessPolicy,
  tenantAccessTrustPolicy,
  type AwsContext,
  type PolicyDocument,
} from "../../infra/policies";
import { newAccessKeyId, newSecretAccessKey, newSessionToken, type CredentialRecord, type CredentialRegistry } from "./credentials";
import { LOCAL_ACCOUNT_ID } from "./policy-evaluation";

export interface LocalRole {
  name: string;
  arn: string;
  policies: PolicyDocument[];
  trustPolicy?: PolicyDocument;
}

export interface LocalIdentities {
  roles: Map<string, LocalRole>;
  functionRoles: Record<FunctionName, LocalRole>;
  functionCredentials: Record<FunctionName, CredentialRecord>;
  tenantAccessRole: LocalRole;
  admin: CredentialRecord;
}

export interface LocalIdentityArgs {
  ctx: AwsContext;
  names: StackNames;
  apiId: string;
  stage: string;
  agentId: string;
  agentAliasId: string;
  /** Configured tenant ids, pinned in the tenant-access trust policy. */
  tenantIds: readonly string[];
  /**
   * The user pool the offboarding function reads (its policy names the pool's ARN). The
   * local pool's id is known only once Cognito has started; without it (unit tests of
   * other stand-ins) the policy names a pool that does not exist.
   */
  userPoolId?: string;
}

export function roleArn(ctx: AwsContext, name: string): string {
  return `arn:${ctx.partition}:iam::${ctx.accountId}:role/${name}`;
}

export function assumedRoleArn(ctx: AwsContext, roleName: string, sessionName: string): string {
  return `arn:${ctx.partition}:sts::${ctx.accountId}:assumed-role/${roleName}/${sessionName}`;
}

/** Pure: every role's documents, exactly as the Pulumi program attaches them. */
export function localRoles(args: LocalIdentityArgs): { functionRoles: Record<FunctionName, LocalRole>; tenantAccessRole: LocalRole } {
  const { ctx, names } = args;
  const fnRoleName = names.functionRoleName;
  const chatRoleArn = roleArn(ctx, fnRoleName("chat"));
  const tenantAccessRole: LocalRole = {
    name: names.tenantAccessRole,
    arn: roleArn(ctx, names.tenantAccessRole),
    policies: [tenantAccessPolicy(ctx, { tenantsTableName: names.tenantsTable, ordersTablePrefix: names.ordersTablePrefix, usageTableName: names.usageTable })],
    trustPolicy: tenantAccessTrustPolicy(chatRoleArn, args.tenantIds),
  };
  const policiesFor: Record<FunctionName, PolicyDocument> = {
    authorizer: authorizerRolePolicy(ctx, { functionName: names.functionName("authorizer") }),
    chat: chatRolePolicy(ctx, {
      functionName: names.functionName("chat"),
      connectionsTableName: names.connectionsTable,
      limitsTableName: names.limitsTable,
      revocationsTableName: names.revocationsTable,
      usageTableName: names.usageTable,
      tenantAccessRoleArn: tenantAccessRole.arn,
      agentId: args.agentId,
      agentAliasId: args.agentAliasId,
      apiId: args.apiId,
      stage: args.stage,
    }),
    "action-group": actionGroupRolePolicy(ctx, {
      functionName: names.functionName("action-group"),
      connectionsTableName: names.connectionsTable,
      apiId: args.apiId,
      stage: args.stage,
    }),
    offboarding: offboardingRolePolicy(ctx, {
      functionName: names.functionName("offboarding"),
      connectionsTableName: names.connectionsTable,
      connectionsUserIndex: names.connectionsUserIndex,
      revocationsTableName: names.revocationsTable,
      userPoolArn: `arn:${ctx.partition}:cognito-idp:${ctx.region}:${ctx.accountId}:userpool/${args.userPoolId ?? "local_none"}`,
      apiId: args.apiId,
      stage: args.stage,
    }),
  };
  const functionRoles = Object.fromEntries(
    FUNCTION_NAMES.map((fn) => [fn, { name: fnRoleName(fn), arn: roleArn(ctx, fnRoleName(fn)), policies: [policiesFor[fn]] }]),
  ) as Record<FunctionName, LocalRole>;
  return { functionRoles, tenantAccessRole };
}

/** Local only: the operator may do anything (seeding, the orders CLI). */
export const ADMIN_POLICY: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Sid: "LocalOperator", Effect: "Allow", Action: "*", Resource: "*" }],
};

/** The local operator: long-term keys that may do anything (made first: seeding Cognito needs them). */
export function createLocalOperator(registry: CredentialRegistry, ctx: AwsContext): CredentialRecord {
  return registry.issueLongTerm({
    principalArn: `arn:${ctx.partition}:iam::${LOCAL_ACCOUNT_ID}:user/local-operator`,
    policies: [ADMIN_POLICY],
    sessionTags: {},
  });
}

/** Register roles and credentials: function keys look like Lambda's (session keys, no expiry locally). */
export function createLocalIdentities(registry: CredentialRegistry, args: LocalIdentityArgs, operator?: CredentialRecord): LocalIdentities {
  const { functionRoles, tenantAccessRole } = localRoles(args);
  const roles = new Map<string, LocalRole>([[tenantAccessRole.arn, tenantAccessRole]]);
  const functionCredentials = {} as Record<FunctionName, CredentialRecord>;
  for (const fn of FUNCTION_NAMES) {
    const role = functionRoles[fn];
    roles.set(role.arn, role);
    functionCredentials[fn] = registry.register({
      accessKeyId: newAccessKeyId("ASIA"),
      secretAccessKey: newSecretAccessKey(),
      sessionToken: newSessionToken(),
      principalArn: assumedRoleArn(args.ctx, role.name, args.names.functionName(fn)),
      roleArn: role.arn,
      policies: role.policies,
      sessionTags: {},
    });
  }
  const admin = operator ?? createLocalOperator(registry, args.ctx);
  return { roles, functionRoles, functionCredentials, tenantAccessRole, admin };
}
