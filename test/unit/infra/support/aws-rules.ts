/**
 * AWS's documented constraints on every resource type the Pulumi program creates, so the
 * runtime mocks (pulumi-mocks.ts) refuse what AWS would refuse. Each rule names the API
 * reference it comes from; all were read on 2026-12-02. A rule sees the resolved inputs as
 * Pulumi sends them to the provider (camelCase), and the stack's partition, Region, account
 * and DNS suffix.
 */

export interface AwsEnv {
  partition: string;
  region: string;
  accountId: string;
  dnsSuffix: string;
}

export interface AwsRule {
  /** What AWS requires, in a few words. */
  what: string;
  /** The API reference (URL) the constraint comes from. */
  source: string;
  // Resolved inputs are untyped by nature; rules read them by path.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  holds(inputs: Record<string, any>, env: AwsEnv): boolean;
}

const API = {
  iamRole: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
  iamPutRolePolicy: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html",
  iamQuotas: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
  iamAttachRolePolicy: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html",
  apiUpdateAccount: "https://docs.aws.amazon.com/apigateway/latest/api/API_UpdateAccount.html",
  apiLoggingPermissions: "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
  lambdaCreate: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
  lambdaEnvironment: "https://docs.aws.amazon.com/lambda/latest/api/API_Environment.html",
  lambdaAddPermission: "https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html",
  lambdaEventInvokeConfig: "https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html",
  logsCreateGroup: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
  logsRetention: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
  dynamoCreateTable: "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html",
  dynamoPutItem: "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html",
  cognitoCreatePool: "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPool.html",
  cognitoCreateClient: "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html",
  cognitoAdminCreateUser: "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html",
  cognitoSchema: "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SchemaAttributeType.html",
  apiCreateApi: "https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis.html",
  apiStages: "https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-stages.html",
  apiStageNames: "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-stages.html",
  apiAuthorizers: "https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-authorizers.html",
  apiIntegrations: "https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-integrations.html",
  apiRoutes: "https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-routes.html",
  apiRouteResponses: "https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-routes-routeid-routeresponses.html",
  apiSelectionExpressions: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-selection-expressions.html",
  bedrockCreateAgent: "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_agent_CreateAgent.html",
  bedrockCreateAlias: "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_agent_CreateAgentAlias.html",
  bedrockCreateActionGroup: "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_agent_CreateAgentActionGroup.html",
  bedrockFunction: "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_agent_Function.html",
  bedrockAssociateKb: "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_agent_AssociateAgentKnowledgeBase.html",
  bedrockCreateKb: "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_agent_CreateKnowledgeBase.html",
  bedrockCreateDataSource: "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_agent_CreateDataSource.html",
  s3BucketNaming: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
  s3VectorBucket: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_S3VectorBuckets_CreateVectorBucket.html",
  s3VectorIndex: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_S3VectorBuckets_CreateIndex.html",
  s3VectorLimits: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-vectors-limitations.html",
  eventsPutRule: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html",
  eventsTarget: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html",
  dashboard: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html",
  putMetricAlarm: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
  tags: "https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html",
  arns: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html",
  endpoints: "https://docs.aws.amazon.com/general/latest/gr/rande.html",
};

const str = (v: unknown): v is string => typeof v === "string";
const within = (v: unknown, min: number, max: number) => str(v) && v.length >= min && v.length <= max;
const matches = (v: unknown, re: RegExp) => str(v) && re.test(v);
const optional = (v: unknown, test: (v: unknown) => boolean) => v === undefined || test(v);
const intIn = (v: unknown, min: number, max: number) => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
const json = (v: unknown) => {
  if (!str(v)) return false;
  try {
    JSON.parse(v);
    return true;
  } catch {
    return false;
  }
};
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const roleArn = (env: AwsEnv) => new RegExp(`^arn:${escape(env.partition)}:iam::\\d{12}:role/[\\w+=,.@/-]{1,64}$`);
const regionalArn = (env: AwsEnv, service: string) => new RegExp(`^arn:${escape(env.partition)}:${service}:${escape(env.region)}:\\d{12}:.+$`);

/** Bedrock Agents names: agent, alias, action group, knowledge base, data source, function. */
const BEDROCK_NAME = /^([0-9a-zA-Z][_-]?){1,100}$/;
const IAM_NAME = /^[\w+=,.@-]+$/;
const COGNITO_NAME = /^[\w\s+=,.@-]+$/;
const LOG_RETENTION = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
/** CreateAgent `foundationModel`: a model or profile id or ARN. */
const BEDROCK_FOUNDATION_MODEL =
  /^(arn:aws(-[^:]{1,12})?:(bedrock|sagemaker):[a-z0-9-]{1,20}:([0-9]{12})?:([a-z-]+\/)?)?([a-zA-Z0-9.-]{1,63}){0,2}(([:][a-z0-9-]{1,63}){0,2})?(\/[a-z0-9]{1,12})?$/;

/** S3 general purpose bucket names (also checked for a given bucketPrefix's characters). */
function validBucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes("..") &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
    !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)
  );
}

/** Every attribute definition must be a key of the table or of an index (CreateTable refuses the others). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function attributesAllUsed(i: Record<string, any>): boolean {
  const keys = new Set<string>([i.hashKey, i.rangeKey].filter(Boolean));
  for (const index of i.globalSecondaryIndexes ?? []) {
    for (const k of index.keySchemas ?? []) keys.add(k.attributeName);
    if (index.hashKey) keys.add(index.hashKey);
    if (index.rangeKey) keys.add(index.rangeKey);
  }
  const defined = (i.attributes ?? []).map((a: { name: string }) => a.name);
  return defined.length === keys.size && defined.every((n: string) => keys.has(n));
}

export const AWS_RULES: Record<string, AwsRule[]> = {
  "aws:iam/role:Role": [
    { what: "RoleName 1–64 of [\\w+=,.@-]", source: API.iamRole, holds: (i) => within(i.name, 1, 64) && matches(i.name, IAM_NAME) },
    { what: "AssumeRolePolicyDocument is JSON", source: API.iamRole, holds: (i) => json(i.assumeRolePolicy) },
    { what: "MaxSessionDuration 3600–43200", source: API.iamRole, holds: (i) => optional(i.maxSessionDuration, (v) => intIn(v, 3600, 43200)) },
    { what: "Description ≤ 1000", source: API.iamRole, holds: (i) => optional(i.description, (v) => within(v, 0, 1000)) },
  ],
  "aws:iam/rolePolicy:RolePolicy": [
    { what: "PolicyName 1–128 of [\\w+=,.@-]", source: API.iamPutRolePolicy, holds: (i) => within(i.name, 1, 128) && matches(i.name, IAM_NAME) },
    { what: "PolicyDocument is JSON", source: API.iamPutRolePolicy, holds: (i) => json(i.policy) },
    // Inline policies of one role share 10,240 characters (whitespace excluded).
    { what: "inline policy ≤ 10,240 characters", source: API.iamQuotas, holds: (i) => str(i.policy) && i.policy.replace(/\s/g, "").length <= 10240 },
  ],
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": [
    { what: "RoleName 1–64 of [\\w+=,.@-]", source: API.iamAttachRolePolicy, holds: (i) => within(i.role, 1, 64) && matches(i.role, IAM_NAME) },
    {
      what: "PolicyArn is a policy ARN of the partition (AWS managed: arn:<partition>:iam::aws:policy/…)",
      source: API.iamAttachRolePolicy,
      holds: (i, env) => within(i.policyArn, 20, 2048) && matches(i.policyArn, new RegExp(`^arn:${escape(env.partition)}:iam::(aws|\\d{12}):policy/[\\w+=,.@/-]+$`)),
    },
  ],
  "aws:apigateway/account:Account": [
    { what: "cloudwatchRoleArn is an IAM role ARN of the partition", source: API.apiUpdateAccount, holds: (i, env) => matches(i.cloudwatchRoleArn, roleArn(env)) },
  ],
  "aws:lambda/function:Function": [
    { what: "FunctionName 1–64 of [a-zA-Z0-9-_]", source: API.lambdaCreate, holds: (i) => within(i.name, 1, 64) && matches(i.name, /^[a-zA-Z0-9-_]+$/) },
    { what: "Role is an IAM role ARN of the partition", source: API.lambdaCreate, holds: (i, env) => matches(i.role, roleArn(env)) },
    { what: "Timeout 1–900", source: API.lambdaCreate, holds: (i) => intIn(i.timeout, 1, 900) },
    { what: "MemorySize 128–10240", source: API.lambdaCreate, holds: (i) => intIn(i.memorySize, 128, 10240) },
    {
      what: "environment keys [a-zA-Z][a-zA-Z0-9_]+, total ≤ 4 KB",
      source: API.lambdaEnvironment,
      holds: (i) => {
        const vars: Record<string, string> = i.environment?.variables ?? {};
        const size = Object.entries(vars).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
        return Object.keys(vars).every((k) => /^[a-zA-Z]([a-zA-Z0-9_])+$/.test(k)) && size <= 4096;
      },
    },
    {
      what: "ReservedConcurrentExecutions ≥ 0",
      source: API.lambdaCreate,
      holds: (i) => optional(i.reservedConcurrentExecutions, (v) => typeof v === "number" && v >= -1),
    },
  ],
  "aws:lambda/permission:Permission": [
    { what: "Action lambda:InvokeFunction", source: API.lambdaAddPermission, holds: (i) => i.action === "lambda:InvokeFunction" },
    { what: "FunctionName 1–140", source: API.lambdaAddPermission, holds: (i) => within(i.function, 1, 140) },
    { what: "SourceArn in the partition", source: API.lambdaAddPermission, holds: (i, env) => optional(i.sourceArn, (v) => matches(v, new RegExp(`^arn:${escape(env.partition)}:`))) },
    { what: "SourceAccount 12 digits", source: API.lambdaAddPermission, holds: (i) => optional(i.sourceAccount, (v) => matches(v, /^\d{12}$/)) },
  ],
  "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": [
    { what: "MaximumRetryAttempts 0–2", source: API.lambdaEventInvokeConfig, holds: (i) => optional(i.maximumRetryAttempts, (v) => intIn(v, 0, 2)) },
    { what: "MaximumEventAgeInSeconds 60–21600", source: API.lambdaEventInvokeConfig, holds: (i) => optional(i.maximumEventAgeInSeconds, (v) => intIn(v, 60, 21600)) },
  ],
  "aws:cloudwatch/logGroup:LogGroup": [
    { what: "logGroupName 1–512 of [.\\-_/#A-Za-z0-9]", source: API.logsCreateGroup, holds: (i) => within(i.name, 1, 512) && matches(i.name, /^[.\-_/#A-Za-z0-9]+$/) },
    { what: "retentionInDays a CloudWatch value", source: API.logsRetention, holds: (i) => optional(i.retentionInDays, (v) => LOG_RETENTION.includes(v as number)) },
  ],
  "aws:dynamodb/table:Table": [
    { what: "TableName 3–255 of [a-zA-Z0-9_.-]", source: API.dynamoCreateTable, holds: (i) => within(i.name, 3, 255) && matches(i.name, /^[a-zA-Z0-9_.-]+$/) },
    { what: "every AttributeDefinition is a key of the table or an index", source: API.dynamoCreateTable, holds: attributesAllUsed },
    {
      what: "IndexName 3–255 of [a-zA-Z0-9_.-]",
      source: API.dynamoCreateTable,
      holds: (i) => (i.globalSecondaryIndexes ?? []).every((x: { name: string }) => within(x.name, 3, 255) && matches(x.name, /^[a-zA-Z0-9_.-]+$/)),
    },
  ],
  "aws:dynamodb/tableItem:TableItem": [
    { what: "Item is JSON carrying the hash key", source: API.dynamoPutItem, holds: (i) => json(i.item) && i.hashKey in JSON.parse(i.item) },
  ],
  "aws:cognito/userPool:UserPool": [
    { what: "PoolName 1–128 of [\\w\\s+=,.@-]", source: API.cognitoCreatePool, holds: (i) => within(i.name, 1, 128) && matches(i.name, COGNITO_NAME) },
    {
      what: "custom attribute names 1–20 characters",
      source: API.cognitoSchema,
      holds: (i) => (i.schemas ?? []).every((s: { name: string }) => within(s.name, 1, 20)),
    },
    {
      what: "TemporaryPasswordValidityDays 0–365, MinimumLength 6–99",
      source: API.cognitoCreatePool,
      holds: (i) =>
        optional(i.passwordPolicy?.temporaryPasswordValidityDays, (v) => intIn(v, 0, 365)) &&
        optional(i.passwordPolicy?.minimumLength, (v) => intIn(v, 6, 99)),
    },
  ],
  "aws:cognito/userPoolClient:UserPoolClient": [
    { what: "ClientName 1–128 of [\\w\\s+=,.@-]", source: API.cognitoCreateClient, holds: (i) => within(i.name, 1, 128) && matches(i.name, COGNITO_NAME) },
  ],
  "aws:cognito/user:User": [
    { what: "Username 1–128", source: API.cognitoAdminCreateUser, holds: (i) => within(i.username, 1, 128) },
  ],
  "aws:apigatewayv2/api:Api": [
    { what: "Name 1–128", source: API.apiCreateApi, holds: (i) => within(i.name, 1, 128) },
    { what: "a WEBSOCKET API needs a routeSelectionExpression", source: API.apiCreateApi, holds: (i) => i.protocolType !== "WEBSOCKET" || str(i.routeSelectionExpression) },
  ],
  "aws:apigatewayv2/stage:Stage": [
    { what: "StageName 1–128 of [A-Za-z0-9_-]", source: API.apiStageNames, holds: (i) => within(i.name, 1, 128) && matches(i.name, /^[A-Za-z0-9_-]+$/) },
    {
      what: "access log destination is a log group ARN of the partition and Region",
      source: API.apiStages,
      holds: (i, env) => optional(i.accessLogSettings?.destinationArn, (v) => matches(v, regionalArn(env, "logs"))),
    },
    {
      what: "access log settings have both a destination and a format",
      source: API.apiStages,
      holds: (i) => optional(i.accessLogSettings, (v) => str((v as { destinationArn?: unknown }).destinationArn) && str((v as { format?: unknown }).format)),
    },
  ],
  "aws:apigatewayv2/authorizer:Authorizer": [
    { what: "Name 1–128", source: API.apiAuthorizers, holds: (i) => within(i.name, 1, 128) },
    {
      what: "a REQUEST authorizer of a WebSocket API has identity sources and an apigateway URI of the Region",
      source: API.apiAuthorizers,
      holds: (i, env) =>
        i.authorizerType !== "REQUEST" ||
        ((i.identitySources ?? []).length > 0 && matches(i.authorizerUri, new RegExp(`^arn:${escape(env.partition)}:apigateway:${escape(env.region)}:lambda:path/`))),
    },
  ],
  "aws:apigatewayv2/integration:Integration": [
    {
      what: "AWS_PROXY integrationUri is a Lambda invoke URI of the partition and Region",
      source: API.apiIntegrations,
      holds: (i, env) => i.integrationType !== "AWS_PROXY" || matches(i.integrationUri, new RegExp(`^arn:${escape(env.partition)}:apigateway:${escape(env.region)}:lambda:path/`)),
    },
  ],
  "aws:apigatewayv2/route:Route": [
    { what: "a CUSTOM route names its authorizer", source: API.apiRoutes, holds: (i) => i.authorizationType !== "CUSTOM" || str(i.authorizerId) },
    {
      what: "a route response selection expression is $default (the only key WebSocket APIs support)",
      source: API.apiSelectionExpressions,
      holds: (i) => optional(i.routeResponseSelectionExpression, (v) => v === "$default"),
    },
  ],
  "aws:apigatewayv2/routeResponse:RouteResponse": [
    { what: "routeResponseKey is $default (the only key WebSocket APIs support)", source: API.apiSelectionExpressions, holds: (i) => i.routeResponseKey === "$default" },
    { what: "names its API and route", source: API.apiRouteResponses, holds: (i) => str(i.apiId) && str(i.routeId) },
  ],
  "aws:bedrock/agentAgent:AgentAgent": [
    { what: "agentName ^([0-9a-zA-Z][_-]?){1,100}$", source: API.bedrockCreateAgent, holds: (i) => matches(i.agentName, BEDROCK_NAME) },
    {
      what: "agentResourceRoleArn ^arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+$, ≤ 2048, in the partition",
      source: API.bedrockCreateAgent,
      holds: (i, env) => within(i.agentResourceRoleArn, 1, 2048) && matches(i.agentResourceRoleArn, roleArn(env)),
    },
    { what: "foundationModel 1–2048, a model or profile id or ARN", source: API.bedrockCreateAgent, holds: (i) => within(i.foundationModel, 1, 2048) && matches(i.foundationModel, BEDROCK_FOUNDATION_MODEL) },
    { what: "instruction 40–20000", source: API.bedrockCreateAgent, holds: (i) => within(i.instruction, 40, 20000) },
    { what: "idleSessionTTLInSeconds 60–5400", source: API.bedrockCreateAgent, holds: (i) => optional(i.idleSessionTtlInSeconds, (v) => intIn(v, 60, 5400)) },
  ],
  "aws:bedrock/agentAgentAlias:AgentAgentAlias": [
    { what: "agentAliasName ^([0-9a-zA-Z][_-]?){1,100}$", source: API.bedrockCreateAlias, holds: (i) => matches(i.agentAliasName, BEDROCK_NAME) },
    { what: "description ≤ 200", source: API.bedrockCreateAlias, holds: (i) => optional(i.description, (v) => within(v, 1, 200)) },
  ],
  "aws:bedrock/agentAgentActionGroup:AgentAgentActionGroup": [
    { what: "actionGroupName ^([0-9a-zA-Z][_-]?){1,100}$", source: API.bedrockCreateActionGroup, holds: (i) => matches(i.actionGroupName, BEDROCK_NAME) },
    {
      what: "function names ^([0-9a-zA-Z][_-]?){1,100}$",
      source: API.bedrockFunction,
      holds: (i) => (i.functionSchema?.memberFunctions?.functions ?? []).every((f: { name: string }) => matches(f.name, BEDROCK_NAME)),
    },
    { what: "a Lambda executor ARN of the partition and Region", source: API.bedrockCreateActionGroup, holds: (i, env) => optional(i.actionGroupExecutor?.lambda, (v) => matches(v, regionalArn(env, "lambda"))) },
  ],
  "aws:bedrock/agentAgentKnowledgeBaseAssociation:AgentAgentKnowledgeBaseAssociation": [
    { what: "description 1–200", source: API.bedrockAssociateKb, holds: (i) => within(i.description, 1, 200) },
  ],
  "aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase": [
    { what: "name ^([0-9a-zA-Z][_-]?){1,100}$", source: API.bedrockCreateKb, holds: (i) => matches(i.name, BEDROCK_NAME) },
    { what: "roleArn an IAM role ARN of the partition", source: API.bedrockCreateKb, holds: (i, env) => matches(i.roleArn, roleArn(env)) },
    { what: "description 1–200", source: API.bedrockCreateKb, holds: (i) => optional(i.description, (v) => within(v, 1, 200)) },
  ],
  "aws:bedrock/agentDataSource:AgentDataSource": [
    { what: "name ^([0-9a-zA-Z][_-]?){1,100}$", source: API.bedrockCreateDataSource, holds: (i) => matches(i.name, BEDROCK_NAME) },
  ],
  "aws:s3/bucket:Bucket": [
    {
      what: "bucket 3–63 lowercase letters, digits, '.', '-', no '..', not an IP (or a prefix of such characters ≤ 37)",
      source: API.s3BucketNaming,
      holds: (i) => optional(i.bucket, (v) => str(v) && validBucketName(v)) && optional(i.bucketPrefix, (v) => within(v, 1, 37) && matches(v, /^[a-z0-9][a-z0-9.-]*$/)),
    },
  ],
  "aws:s3/vectorsVectorBucket:VectorsVectorBucket": [
    {
      what: "vectorBucketName 3–63 of [a-z0-9-], starting and ending with a letter or digit",
      source: API.s3VectorLimits,
      holds: (i) => within(i.vectorBucketName, 3, 63) && matches(i.vectorBucketName, /^[a-z0-9][a-z0-9-]*[a-z0-9]$/),
    },
  ],
  "aws:s3/vectorsIndex:VectorsIndex": [
    { what: "indexName 3–63 of [a-z0-9.-]", source: API.s3VectorIndex, holds: (i) => within(i.indexName, 3, 63) && matches(i.indexName, /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/) },
    { what: "dimension 1–4096, dataType float32", source: API.s3VectorIndex, holds: (i) => intIn(i.dimension, 1, 4096) && i.dataType === "float32" },
    {
      what: "at most 10 non-filterable metadata keys",
      source: API.s3VectorLimits,
      holds: (i) => (i.metadataConfiguration?.nonFilterableMetadataKeys ?? []).length <= 10,
    },
  ],
  "aws:cloudwatch/eventRule:EventRule": [
    { what: "Name 1–64 of [.\\-_A-Za-z0-9]", source: API.eventsPutRule, holds: (i) => within(i.name, 1, 64) && matches(i.name, /^[.\-_A-Za-z0-9]+$/) },
    { what: "EventPattern is JSON ≤ 4096", source: API.eventsPutRule, holds: (i) => optional(i.eventPattern, (v) => json(v) && within(v, 1, 4096)) },
  ],
  "aws:cloudwatch/eventTarget:EventTarget": [
    { what: "Arn of the partition, 1–1600", source: API.eventsTarget, holds: (i, env) => within(i.arn, 1, 1600) && matches(i.arn, new RegExp(`^arn:${escape(env.partition)}:`)) },
  ],
  "aws:cloudwatch/metricAlarm:MetricAlarm": [
    { what: "AlarmName 1–255", source: API.putMetricAlarm, holds: (i) => within(i.name, 1, 255) },
    {
      what: "EvaluationPeriods ≥ 1 and DatapointsToAlarm ≤ EvaluationPeriods",
      source: API.putMetricAlarm,
      holds: (i) => intIn(i.evaluationPeriods, 1, 100000) && optional(i.datapointsToAlarm, (v) => intIn(v, 1, i.evaluationPeriods)),
    },
    { what: "AlarmDescription ≤ 1024", source: API.putMetricAlarm, holds: (i) => optional(i.alarmDescription, (v) => within(v, 0, 1024)) },
  ],
  "aws:cloudwatch/dashboard:Dashboard": [
    { what: "DashboardName 1–255 of [A-Za-z0-9_-]", source: API.dashboard, holds: (i) => within(i.dashboardName, 1, 255) && matches(i.dashboardName, /^[A-Za-z0-9_-]+$/) },
    { what: "DashboardBody is JSON", source: API.dashboard, holds: (i) => json(i.dashboardBody) },
  ],
};

/** Rules for every AWS resource, whatever its type. */
export const COMMON_RULES: AwsRule[] = [
  {
    what: "every ARN is in the stack's partition",
    source: API.arns,
    holds: (i, env) => allStrings(i).every((s) => [...s.matchAll(/arn:([a-z-]+):/g)].every((m) => m[1] === env.partition)),
  },
  {
    what: "every AWS endpoint URL uses the partition's DNS suffix",
    source: API.endpoints,
    holds: (i, env) =>
      allStrings(i).every((s) =>
        [...s.matchAll(/(?:https|wss):\/\/([^/\s"]+)/g)].every((m) => !/\.amazonaws\./.test(m[1]) || m[1].endsWith(`.${env.dnsSuffix}`)),
      ),
  },
  {
    what: "tag keys 1–128 and values ≤ 256, at most 50 tags",
    source: API.tags,
    holds: (i) => {
      const tags: Record<string, string> = i.tags ?? {};
      return Object.keys(tags).length <= 50 && Object.entries(tags).every(([k, v]) => within(k, 1, 128) && within(v, 0, 256));
    },
  },
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function allStrings(value: any, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) allStrings(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) allStrings(v, out);
  return out;
}

/** The rules a resource breaks, as `<type> "<name>": <what> (<source>)`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function awsRuleViolations(type: string, name: string, inputs: Record<string, any>, env: AwsEnv): string[] {
  if (!type.startsWith("aws:")) return [];
  const rules = [...(AWS_RULES[type] ?? []), ...COMMON_RULES];
  return rules.filter((rule) => !rule.holds(inputs, env)).map((rule) => `${type} "${name}": ${rule.what} (${rule.source})`);
}

/** Types the program creates that have no rule above: the matrix test refuses them, so a new type gets its rules. */
export const TYPES_WITHOUT_NAME_RULES = [
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
];
