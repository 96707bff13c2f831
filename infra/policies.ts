/**
 * Every IAM policy document of the stack, as pure functions (I10). The Pulumi
 * program attaches them to roles and the local stack's IAM gate evaluates the very
 * same documents, so what is tested locally is what is deployed.
 *
 * Policy variables (`${aws:PrincipalTag/...}`) are LITERAL strings here: IAM resolves
 * them per request from the session tags the chat function sets on AssumeRole.
 */
import { TENANT_ID_PATTERN } from "../lambdas/common/identifiers";
import {
  assertCallableFrom,
  GEOGRAPHY_REGIONS,
  globalFoundationModelArn,
  inferenceProfileArn,
  regionalFoundationModelArn,
  type ModelReference,
} from "./model-reference";

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource?: string | string[];
  Principal?: { AWS?: string | string[]; Service?: string | string[] };
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export interface AwsContext {
  partition: string;
  region: string;
  accountId: string;
}

/** Session tag keys the chat function sets; the trust policy admits exactly these. */
export const SESSION_TAG_KEYS = ["tenantId", "userId"] as const;

const TENANT_TAG = "${aws:PrincipalTag/tenantId}";
const USER_TAG = "${aws:PrincipalTag/userId}";

/**
 * Read-only, key-bound actions, exactly those the tools call (lambdas/action-group/tools.ts:
 * GetItem of the tenant row, GetItem and Query of the user's orders). Scan and every
 * write are absent on purpose.
 */
const TENANT_ROW_ACTIONS = ["dynamodb:GetItem"];
const ORDERS_ACTIONS = ["dynamodb:GetItem", "dynamodb:Query"];
/**
 * Query only (getMyUsage reads the month's daily counters in one Query): the counters are
 * the chat function's to write, and a user must not reset them.
 */
const USAGE_ACTIONS = ["dynamodb:Query"];

function doc(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

export function tableArn(ctx: AwsContext, tableName: string): string {
  return `arn:${ctx.partition}:dynamodb:${ctx.region}:${ctx.accountId}:table/${tableName}`;
}

export function functionArn(ctx: AwsContext, functionName: string): string {
  return `arn:${ctx.partition}:lambda:${ctx.region}:${ctx.accountId}:function:${functionName}`;
}

export function logGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/**
 * The streams of the function's own log group only (the group is created by Pulumi, not
 * by Lambda). Both actions authorize on the log-stream resource, never the group itself
 * (Service Authorization Reference, CloudWatch Logs; checked 2026-12-02).
 */
function logsStatement(ctx: AwsContext, functionName: string): PolicyStatement {
  const group = `arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:${logGroupName(functionName)}`;
  return {
    Sid: "OwnLogGroup",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: `${group}:*`,
  };
}

/**
 * `@connections` of ONE API stage, PostToConnection only: the functions push events and
 * never need GetConnection (GET) or DeleteConnection (DELETE), so a bug or a rogue tool
 * cannot read another connection's identity or hang up on anyone.
 */
export function connectionsManagementArn(ctx: AwsContext, apiId: string, stage: string): string {
  return `arn:${ctx.partition}:execute-api:${ctx.region}:${ctx.accountId}:${apiId}/${stage}/POST/@connections/*`;
}

function manageConnectionsStatement(ctx: AwsContext, apiId: string, stage: string): PolicyStatement {
  return {
    Sid: "PostToOwnApiConnections",
    Effect: "Allow",
    Action: "execute-api:ManageConnections",
    Resource: connectionsManagementArn(ctx, apiId, stage),
  };
}

/**
 * The tenant-access role (I3): read-only, bound by session tags to the caller's
 * tenant row, to the caller's own partition of their tenant's orders table and to the
 * caller's own usage counters (I23).
 * `ForAllValues` is vacuously true when LeadingKeys is absent, hence the Null guards.
 */
export function tenantAccessPolicy(
  ctx: AwsContext,
  t: { tenantsTableName: string; ordersTablePrefix: string; usageTableName: string },
): PolicyDocument {
  return doc(
    {
      Sid: "OwnTenantRow",
      Effect: "Allow",
      Action: TENANT_ROW_ACTIONS,
      Resource: tableArn(ctx, t.tenantsTableName),
      Condition: {
        "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": [TENANT_TAG] },
        Null: { "aws:PrincipalTag/tenantId": "false", "dynamodb:LeadingKeys": "false" },
      },
    },
    {
      Sid: "OwnOrdersInOwnTenantTable",
      Effect: "Allow",
      Action: ORDERS_ACTIONS,
      Resource: tableArn(ctx, `${t.ordersTablePrefix}${TENANT_TAG}`),
      Condition: {
        "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": [USER_TAG] },
        Null: {
          "aws:PrincipalTag/tenantId": "false",
          "aws:PrincipalTag/userId": "false",
          "dynamodb:LeadingKeys": "false",
        },
      },
    },
    {
      // I23: the caller's own usage counters (the getMyUsage tool), never the tenant's
      // (`<tenantId>`) or another user's: the partition key is `<tenantId>#<sub>`
      // (lambdas/common/usage-keys.ts), so LeadingKeys pins both tags at once.
      Sid: "OwnUsageCounters",
      Effect: "Allow",
      Action: USAGE_ACTIONS,
      Resource: tableArn(ctx, t.usageTableName),
      Condition: {
        "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": [`${TENANT_TAG}#${USER_TAG}`] },
        Null: {
          "aws:PrincipalTag/tenantId": "false",
          "aws:PrincipalTag/userId": "false",
          "dynamodb:LeadingKeys": "false",
        },
      },
    },
  );
}

/** The shape of a Cognito `sub` (a UUID): the only userId tag value the trust policy admits. */
export const COGNITO_SUB_PATTERN = "????????-????-????-????-????????????";

export class TrustPolicyInputError extends Error {
  readonly code = "invalid_trust_policy_input";
  constructor(message: string) {
    super(message);
    this.name = "TrustPolicyInputError";
  }
}

/**
 * Only the chat function's role may assume it, only with exactly the two tags, and only
 * with tag VALUES a real user can have: a configured tenant and a sub-shaped userId. So
 * even a compromised chat role cannot mint `tenantId="*"` or an unknown tenant's session.
 */
export function tenantAccessTrustPolicy(chatRoleArn: string, tenantIds: readonly string[]): PolicyDocument {
  if (tenantIds.length === 0) throw new TrustPolicyInputError("tenantAccessTrustPolicy needs at least one configured tenant id");
  for (const id of tenantIds) {
    // Plain names only: a `*` or `?` would widen the pin in any *Like operator.
    if (!TENANT_ID_PATTERN.test(id)) throw new TrustPolicyInputError(`tenant id ${JSON.stringify(id)} is not a plain name`);
  }
  return doc({
    Sid: "ChatFunctionWithSessionTags",
    Effect: "Allow",
    Principal: { AWS: chatRoleArn },
    Action: ["sts:AssumeRole", "sts:TagSession"],
    Condition: {
      "ForAllValues:StringEquals": { "aws:TagKeys": [...SESSION_TAG_KEYS] },
      StringEquals: { "aws:RequestTag/tenantId": [...tenantIds] },
      StringLike: { "aws:RequestTag/userId": COGNITO_SUB_PATTERN },
      Null: { "aws:RequestTag/tenantId": "false", "aws:RequestTag/userId": "false" },
    },
  });
}

export function lambdaTrustPolicy(): PolicyDocument {
  return doc({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
}

/**
 * API Gateway's account-level CloudWatch Logs role (components/api-gateway-account.ts):
 * only the API Gateway service may assume it, as the API Gateway developer guide
 * ("Permissions for CloudWatch logging", read 2026-12-02) sets it up.
 */
export function apiGatewayLogsTrustPolicy(): PolicyDocument {
  return doc({ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" });
}

/**
 * The AWS managed policy with exactly what API Gateway needs to write logs
 * (`AmazonAPIGatewayPushToCloudWatchLogs`, a service-role policy; AWS managed policy
 * reference, read 2026-12-02), in the stack's partition.
 */
export function apiGatewayPushToLogsPolicyArn(partition: string): string {
  return `arn:${partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs`;
}

/** The authorizer verifies JWTs against the public JWKS: it needs nothing but logs. */
export function authorizerRolePolicy(ctx: AwsContext, f: { functionName: string }): PolicyDocument {
  return doc(logsStatement(ctx, f.functionName));
}

export function chatRolePolicy(
  ctx: AwsContext,
  f: {
    functionName: string;
    connectionsTableName: string;
    /** Per-user ask counters (one conditional UpdateItem per ask) and stop markers (UpdateItem, GetItem of `stop#` keys). */
    limitsTableName: string;
    /** Offboarding records (I17): read only. */
    revocationsTableName: string;
    /** Usage counters and answer records (I21, I22): UpdateItem and PutItem only. */
    usageTableName: string;
    tenantAccessRoleArn: string;
    agentId: string;
    agentAliasId: string;
    apiId: string;
    stage: string;
  },
): PolicyDocument {
  const connections = tableArn(ctx, f.connectionsTableName);
  return doc(
    logsStatement(ctx, f.functionName),
    {
      // No Query and no index: the chat function reads connections by key only.
      Sid: "Connections",
      Effect: "Allow",
      Action: ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem"],
      Resource: connections,
    },
    {
      // Per-user ask counters, and stop markers (`stop#<answerId>`, lambdas/chat/stop-requests.ts).
      Sid: "CountAsksPerUser",
      Effect: "Allow",
      Action: "dynamodb:UpdateItem",
      Resource: tableArn(ctx, f.limitsTableName),
    },
    {
      // The answer step reads only stop markers (I16), never the counters.
      Sid: "ReadStopRequests",
      Effect: "Allow",
      Action: "dynamodb:GetItem",
      Resource: tableArn(ctx, f.limitsTableName),
      Condition: {
        "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["stop#*"] },
        Null: { "dynamodb:LeadingKeys": "false" },
      },
    },
    {
      Sid: "ReadOffboardingRecords",
      Effect: "Allow",
      Action: "dynamodb:GetItem",
      Resource: tableArn(ctx, f.revocationsTableName),
    },
    {
      // Budget reservations and counters (UpdateItem, conditional ADD) and answer records
      // (PutItem). Written only: the function never reads usage, and never deletes it.
      Sid: "MeterUsage",
      Effect: "Allow",
      Action: ["dynamodb:UpdateItem", "dynamodb:PutItem"],
      Resource: tableArn(ctx, f.usageTableName),
    },
    {
      Sid: "MintTenantScopedCredentials",
      Effect: "Allow",
      Action: ["sts:AssumeRole", "sts:TagSession"],
      Resource: f.tenantAccessRoleArn,
    },
    {
      Sid: "InvokeOwnAgentAlias",
      Effect: "Allow",
      Action: "bedrock:InvokeAgent",
      Resource: `arn:${ctx.partition}:bedrock:${ctx.region}:${ctx.accountId}:agent-alias/${f.agentId}/${f.agentAliasId}`,
    },
    {
      Sid: "AsyncAnswerStep",
      Effect: "Allow",
      Action: "lambda:InvokeFunction",
      Resource: functionArn(ctx, f.functionName),
    },
    manageConnectionsStatement(ctx, f.apiId, f.stage),
    {
      // A `renew` frame carrying another user's token, or an offboarded user's, closes the
      // connection that sent it (lambdas/chat/renew-route.ts); I12's second exception.
      Sid: "HangUpOnRefusedRenewal",
      Effect: "Allow",
      Action: "execute-api:ManageConnections",
      Resource: connectionsDeleteArn(ctx, f.apiId, f.stage),
    },
  );
}

/**
 * I4: NOTHING on the tenants or orders tables. Tenant data is read only with
 * the scoped credentials that arrive in sessionAttributes.
 */
export function actionGroupRolePolicy(
  ctx: AwsContext,
  f: { functionName: string; connectionsTableName: string; apiId: string; stage: string },
): PolicyDocument {
  return doc(
    logsStatement(ctx, f.functionName),
    {
      Sid: "CheckConnectionOwner",
      Effect: "Allow",
      Action: "dynamodb:GetItem",
      Resource: tableArn(ctx, f.connectionsTableName),
    },
    manageConnectionsStatement(ctx, f.apiId, f.stage),
  );
}

/**
 * DeleteConnection on ONE API stage (I12): the offboarding function (I17) and the chat
 * function (a refused renewal) hang up; no other function may.
 */
export function connectionsDeleteArn(ctx: AwsContext, apiId: string, stage: string): string {
  return `arn:${ctx.partition}:execute-api:${ctx.region}:${ctx.accountId}:${apiId}/${stage}/DELETE/@connections/*`;
}

/**
 * The offboarding function (I17): writes revocation records, finds a user's connections
 * by the `byUserId` index (Scan only for the reconcile fallback, which reads owners),
 * deletes their records, hangs up on them, and reads the pool to resolve a username or
 * check whether an owner is still enabled. No tenant data, no PostToConnection.
 */
export function offboardingRolePolicy(
  ctx: AwsContext,
  f: {
    functionName: string;
    connectionsTableName: string;
    connectionsUserIndex: string;
    revocationsTableName: string;
    userPoolArn: string;
    apiId: string;
    stage: string;
  },
): PolicyDocument {
  const connections = tableArn(ctx, f.connectionsTableName);
  return doc(
    logsStatement(ctx, f.functionName),
    {
      // A conditional PutItem needs no GetItem: the function never reads the records.
      Sid: "WriteOffboardingRecords",
      Effect: "Allow",
      Action: "dynamodb:PutItem",
      Resource: tableArn(ctx, f.revocationsTableName),
    },
    {
      Sid: "FindConnectionsByUser",
      Effect: "Allow",
      Action: "dynamodb:Query",
      Resource: `${connections}/index/${f.connectionsUserIndex}`,
    },
    {
      // Scan: the reconcile fallback reads every owner; DeleteItem: forget a closed connection.
      Sid: "ReconcileAndForgetConnections",
      Effect: "Allow",
      Action: ["dynamodb:Scan", "dynamodb:DeleteItem"],
      Resource: connections,
    },
    {
      Sid: "ResolveUsers",
      Effect: "Allow",
      Action: ["cognito-idp:AdminGetUser", "cognito-idp:ListUsers"],
      Resource: f.userPoolArn,
    },
    {
      Sid: "HangUpOnOwnApiConnections",
      Effect: "Allow",
      Action: "execute-api:ManageConnections",
      Resource: connectionsDeleteArn(ctx, f.apiId, f.stage),
    },
  );
}

/** Confused-deputy guard: only Bedrock acting for an agent of this account and region. */
export function agentTrustPolicy(ctx: AwsContext): PolicyDocument {
  return doc({
    Effect: "Allow",
    Principal: { Service: "bedrock.amazonaws.com" },
    Action: "sts:AssumeRole",
    Condition: {
      StringEquals: { "aws:SourceAccount": ctx.accountId },
      ArnLike: { "aws:SourceArn": `arn:${ctx.partition}:bedrock:${ctx.region}:${ctx.accountId}:agent/*` },
    },
  });
}

export function foundationModelArn(ctx: AwsContext, modelId: string): string {
  return regionalFoundationModelArn(ctx.partition, ctx.region, modelId);
}

/** Invoking, and streaming the final response (streamFinalResponse). */
const INVOKE_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"];

export class AgentModelGrantError extends Error {
  readonly code = "invalid_agent_model_grant";
  constructor(message: string) {
    super(message);
    this.name = "AgentModelGrantError";
  }
}

/**
 * The agent's model grant, exactly what the form of `modelId` needs (model-reference.ts):
 * - a foundation model: invoke it in the stack's Region;
 * - an inference profile: invoke the profile and read it (GetInferenceProfile), and invoke
 *   the foundation model in every Region it routes to (geographic: the geography's Regions;
 *   global: the source Region's and the Region-less ARN; application: the model ARNs Bedrock
 *   reports for it), each only through this profile (`bedrock:InferenceProfileArn`).
 * Shape: Bedrock user guide "Geographic cross-Region inference" and "Global cross-Region
 * inference", IAM policy requirements (checked 2026-12-02).
 */
export function agentRolePolicy(
  ctx: AwsContext,
  a: { model: ModelReference; applicationProfileModelArns?: readonly string[] },
): PolicyDocument {
  const { model } = a;
  assertCallableFrom(model, ctx.region);
  if (model.kind === "foundation-model") {
    return doc({ Sid: "InvokeConfiguredModel", Effect: "Allow", Action: INVOKE_ACTIONS, Resource: foundationModelArn(ctx, model.modelId) });
  }
  let profileArn: string;
  let routedModels: string[];
  if (model.kind === "application-profile") {
    if (model.partition !== ctx.partition || model.accountId !== ctx.accountId) {
      throw new AgentModelGrantError(`modelId ${model.id} is not an application inference profile of account ${ctx.accountId} (${ctx.partition})`);
    }
    const arns = a.applicationProfileModelArns ?? [];
    if (arns.length === 0) throw new AgentModelGrantError(`application inference profile ${model.id} lists no models`);
    profileArn = model.arn;
    routedModels = [...arns];
  } else {
    profileArn = inferenceProfileArn(ctx.partition, ctx.region, ctx.accountId, model.id);
    routedModels =
      model.kind === "global-profile"
        ? [regionalFoundationModelArn(ctx.partition, ctx.region, model.modelId), globalFoundationModelArn(ctx.partition, model.modelId)]
        : GEOGRAPHY_REGIONS[model.geography].map((region) => regionalFoundationModelArn(ctx.partition, region, model.modelId));
  }
  return doc(
    { Sid: "InvokeThroughProfile", Effect: "Allow", Action: INVOKE_ACTIONS, Resource: profileArn },
    { Sid: "ReadProfile", Effect: "Allow", Action: "bedrock:GetInferenceProfile", Resource: profileArn },
    {
      Sid: "RoutedFoundationModels",
      Effect: "Allow",
      Action: INVOKE_ACTIONS,
      Resource: routedModels,
      Condition: { StringEquals: { "bedrock:InferenceProfileArn": profileArn } },
    },
  );
}

// ---------------------------------------------------------------------------------------
// The knowledge base (I18): documents in S3 under `<tenantId>/`, vectors in S3 Vectors.

export function knowledgeBucketArn(ctx: AwsContext, bucketName: string): string {
  return `arn:${ctx.partition}:s3:::${bucketName}`;
}

export function vectorIndexArn(ctx: AwsContext, vectorBucketName: string, indexName: string): string {
  return `arn:${ctx.partition}:s3vectors:${ctx.region}:${ctx.accountId}:bucket/${vectorBucketName}/index/${indexName}`;
}

export function knowledgeBaseArn(ctx: AwsContext, knowledgeBaseId: string): string {
  return `arn:${ctx.partition}:bedrock:${ctx.region}:${ctx.accountId}:knowledge-base/${knowledgeBaseId}`;
}

/** Confused-deputy guard: only Bedrock acting for a knowledge base of this account and region. */
export function knowledgeBaseTrustPolicy(ctx: AwsContext): PolicyDocument {
  return doc({
    Effect: "Allow",
    Principal: { Service: "bedrock.amazonaws.com" },
    Action: "sts:AssumeRole",
    Condition: {
      StringEquals: { "aws:SourceAccount": ctx.accountId },
      ArnLike: { "aws:SourceArn": `arn:${ctx.partition}:bedrock:${ctx.region}:${ctx.accountId}:knowledge-base/*` },
    },
  });
}

/**
 * The knowledge base's service role: embed with the configured model, READ the stage's
 * document bucket (no writes: only the operator writes documents and their tenantId
 * metadata), and read and write vectors of its own index only.
 */
export function knowledgeBaseRolePolicy(
  ctx: AwsContext,
  k: { embeddingModelId: string; documentBucketName: string; vectorBucketName: string; indexName: string },
): PolicyDocument {
  const bucket = knowledgeBucketArn(ctx, k.documentBucketName);
  return doc(
    { Sid: "EmbedWithConfiguredModel", Effect: "Allow", Action: "bedrock:InvokeModel", Resource: foundationModelArn(ctx, k.embeddingModelId) },
    {
      Sid: "ListDocuments",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: bucket,
      Condition: { StringEquals: { "aws:ResourceAccount": ctx.accountId } },
    },
    {
      Sid: "ReadDocuments",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: `${bucket}/*`,
      Condition: { StringEquals: { "aws:ResourceAccount": ctx.accountId } },
    },
    {
      Sid: "OwnVectorIndex",
      Effect: "Allow",
      Action: ["s3vectors:GetIndex", "s3vectors:PutVectors", "s3vectors:GetVectors", "s3vectors:DeleteVectors", "s3vectors:QueryVectors"],
      Resource: vectorIndexArn(ctx, k.vectorBucketName, k.indexName),
    },
  );
}

/** Added to the agent's role: retrieve from the stage's knowledge base, nothing else of it. */
export function agentKnowledgePolicy(ctx: AwsContext, a: { knowledgeBaseId: string }): PolicyDocument {
  return doc({ Sid: "RetrieveFromOwnKnowledgeBase", Effect: "Allow", Action: "bedrock:Retrieve", Resource: knowledgeBaseArn(ctx, a.knowledgeBaseId) });
}

/** The ARN of the trail the stack creates when `offboardingTrail` is on (infra/components/offboarding-trail.ts). */
export function trailArn(ctx: AwsContext, trailName: string): string {
  return `arn:${ctx.partition}:cloudtrail:${ctx.region}:${ctx.accountId}:trail/${trailName}`;
}

/**
 * The bucket policy of the stack's own CloudTrail trail (I17: EventBridge sees Cognito's
 * management events only while a trail logs them). CloudTrail, acting for THIS trail only
 * (`aws:SourceArn`), may read the bucket's ACL and write log files under this account's
 * prefix with the owner in full control; nothing else, and no other principal, is granted
 * anything (CloudTrail user guide, "Amazon S3 bucket policy for CloudTrail", checked 2026-12-02).
 */
export function trailBucketPolicy(ctx: AwsContext, t: { bucketName: string; trailName: string }): PolicyDocument {
  const bucket = `arn:${ctx.partition}:s3:::${t.bucketName}`;
  const sourceArn = trailArn(ctx, t.trailName);
  return doc(
    {
      Sid: "TrailChecksBucketAcl",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:GetBucketAcl",
      Resource: bucket,
      Condition: { StringEquals: { "aws:SourceArn": sourceArn } },
    },
    {
      Sid: "TrailWritesLogFiles",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${bucket}/AWSLogs/${ctx.accountId}/*`,
      Condition: { StringEquals: { "aws:SourceArn": sourceArn, "s3:x-amz-acl": "bucket-owner-full-control" } },
    },
  );
}
