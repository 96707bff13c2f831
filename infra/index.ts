/**
 * The Pulumi program: validates the stack configuration, composes the components in
 * dependency order and exports exactly the stack outputs of docs/architecture.md §Stack outputs.
 *
 * Order (no cycles): API (for its id) → function roles → tenant-access role (trusts the
 * chat role) → action-group function → agent (invokes it) → chat function (needs the
 * agent alias) → authorizer function → routes and stage (point at both functions).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext, dnsSuffix, managementEndpoint as stageManagementEndpoint, policyJson, stackRegion } from "./aws-context";
import { AssistantAgent } from "./components/agent";
import { ApiGatewayAccount } from "./components/api-gateway-account";
import { BundledFunction } from "./components/bundled-function";
import { DataTables } from "./components/data";
import { FunctionRoles } from "./components/function-roles";
import { Identity } from "./components/identity";
import { TenantKnowledgeBase } from "./components/knowledge-base";
import { TenantIsolation } from "./components/isolation";
import { WebSocketApi } from "./components/websocket-api";
import { WebSocketRoutes } from "./components/websocket-routes";
import { toEnvironment as actionGroupEnvironment } from "../lambdas/action-group/config";
import { toEnvironment as authorizerEnvironment } from "../lambdas/authorizer/config";
import { toEnvironment as chatEnvironment } from "../lambdas/chat/config";
import { toEnvironment as offboardingEnvironment } from "../lambdas/offboarding/config";
import { OffboardingEvents } from "./components/offboarding";
import { Observability } from "./components/observability";
import { OffboardingTrail } from "./components/offboarding-trail";
import { APP_PROTOCOL, stackNames } from "./naming";
import { actionGroupRolePolicy, authorizerRolePolicy, chatRolePolicy, offboardingRolePolicy } from "./policies";
import { tenantBudgets } from "./config";
import { deleteNamedBeforeReplace } from "./replacement";
import { loadStackConfig } from "./stack-config";
import { stackTags } from "./tags";

const config = loadStackConfig(new pulumi.Config());
// The stack name is the stage; names.stage is its compliant stem (naming.ts), also the API stage.
const stackRegionName = stackRegion();
const names = stackNames(pulumi.getProject(), pulumi.getStack(), stackRegionName);
const stage = names.stage;
// One explicit provider with the stack's default tags: every component below (and so every
// child resource) uses it, so every taggable resource carries project and stage.
const provider = new aws.Provider("aws", { region: stackRegionName as aws.Region, defaultTags: { tags: stackTags(pulumi.getProject(), pulumi.getStack()) } });
const withProvider = { provider };
// Every component: the provider, and named resources deleted before they are replaced (replacement.ts).
const componentOpts: pulumi.ComponentResourceOptions = { ...withProvider, transformations: [deleteNamedBeforeReplace] };
const ctx = awsContext(withProvider);
const tenantIds = config.tenants.map((t) => t.id);

const identity = new Identity("identity", {
  names,
  tenants: config.tenants,
  deletionProtection: config.deletionProtection,
  tokenValidityMinutes: config.tokenValidityMinutes,
  temporaryPasswordValidityDays: config.temporaryPasswordValidityDays,
}, componentOpts);

const data = new DataTables("data", {
  names,
  tenants: config.tenants,
  pointInTimeRecovery: config.pointInTimeRecovery,
  deletionProtection: config.deletionProtection,
}, componentOpts);

const webSocket = new WebSocketApi("websocket", { names }, componentOpts);
const apiId = webSocket.api.id;
const managementEndpoint = pulumi
  .all([apiId, ctx, dnsSuffix(withProvider)])
  .apply(([id, c, suffix]) => stageManagementEndpoint(id, c.region, stage, suffix));

const { roles } = new FunctionRoles("function-roles", { names }, componentOpts);
const isolation = new TenantIsolation("isolation", { ctx, names, chatRoleArn: roles.chat.arn, tenantIds }, componentOpts);

const actionGroupName = names.functionName("action-group");
const actionGroupFunction = new BundledFunction("action-group", {
  bundle: "action-group",
  functionName: actionGroupName,
  role: roles["action-group"],
  policy: policyJson(pulumi.all([ctx, apiId]), ([c, id]) =>
    actionGroupRolePolicy(c, { functionName: actionGroupName, connectionsTableName: names.connectionsTable, apiId: id, stage }),
  ),
  environment: pulumi.all([data.tenantsTable.name, data.connectionsTable.name, managementEndpoint, data.usageTable.name]).apply(
    ([tenantsTableName, connectionsTableName, endpoint, usageTableName]) => ({
      ...actionGroupEnvironment(
        { tenantsTableName, ordersTablePrefix: names.ordersTablePrefix, connectionsTableName, managementEndpoint: endpoint, usageTableName },
        config.logLevel,
      ),
    }),
  ),
  logRetentionDays: config.logRetentionDays,
}, componentOpts);

const knowledge = new TenantKnowledgeBase("knowledge", { ctx, names }, componentOpts);

const agent = new AssistantAgent("agent", {
  ctx,
  names,
  modelId: config.modelId,
  actionGroupFunction: actionGroupFunction.function,
  knowledgeBaseId: knowledge.knowledgeBase.id,
}, componentOpts);

const chatName = names.functionName("chat");
const chatFunction = new BundledFunction("chat", {
  bundle: "chat",
  functionName: chatName,
  role: roles.chat,
  policy: policyJson(
    pulumi.all([ctx, apiId, isolation.role.arn, agent.agent.agentId, agent.alias.agentAliasId]),
    ([c, id, tenantAccessRoleArn, agentId, agentAliasId]) =>
      chatRolePolicy(c, {
        functionName: chatName,
        connectionsTableName: names.connectionsTable,
        limitsTableName: names.limitsTable,
        revocationsTableName: names.revocationsTable,
        usageTableName: names.usageTable,
        tenantAccessRoleArn,
        agentId,
        agentAliasId,
        apiId: id,
        stage,
      }),
  ),
  environment: pulumi
    .all([data.connectionsTable.name, data.limitsTable.name, data.revocationsTable.name, isolation.role.arn, agent.agent.agentId, agent.alias.agentAliasId, managementEndpoint, knowledge.knowledgeBase.id, identity.userPool.id, identity.userPoolClient.id, data.usageTable.name, data.tenantsTable.name])
    .apply(([connectionsTableName, limitsTableName, revocationsTableName, tenantAccessRoleArn, agentId, agentAliasId, endpoint, knowledgeBaseId, userPoolId, userPoolClientId, usageTableName, tenantsTableName]) => ({
      ...chatEnvironment(
        {
          connectionsTableName,
          tenantsTableName,
          tenantAccessRoleArn,
          agentId,
          agentAliasId,
          knowledgeBaseId,
          managementEndpoint: endpoint,
          appProtocol: APP_PROTOCOL,
          limitsTableName,
          asksPerUserPerMinute: config.askRateLimit.perUserPerMinute,
          revocationsTableName,
          usageTableName,
          usageRetentionDays: config.usage.retentionDays,
          reserveTokensPerAnswer: config.usage.reserveTokensPerAnswer,
          budgets: tenantBudgets(config.tenants),
          // The authorizer's own settings: a renewal is verified as a $connect is (I2).
          idTokens: { userPoolId, clientId: userPoolClientId, tenantIds: new Set(tenantIds) },
          metricsNamespace: names.metricsNamespace,
        },
        config.logLevel,
      ),
    })),
  logRetentionDays: config.logRetentionDays,
  reservedConcurrency: config.reservedConcurrency.chat,
}, componentOpts);

const authorizerName = names.functionName("authorizer");
const authorizerFunction = new BundledFunction("authorizer", {
  bundle: "authorizer",
  functionName: authorizerName,
  role: roles.authorizer,
  policy: policyJson(ctx, (c) => authorizerRolePolicy(c, { functionName: authorizerName })),
  environment: pulumi.all([identity.userPool.id, identity.userPoolClient.id]).apply(([userPoolId, userPoolClientId]) => ({
    ...authorizerEnvironment(
      { userPoolId, clientId: userPoolClientId, tenantIds: new Set(tenantIds), appProtocol: APP_PROTOCOL },
      config.logLevel,
    ),
  })),
  logRetentionDays: config.logRetentionDays,
  reservedConcurrency: config.reservedConcurrency.authorizer,
}, componentOpts);

const offboardingName = names.functionName("offboarding");
const offboardingFunction = new BundledFunction("offboarding", {
  bundle: "offboarding",
  functionName: offboardingName,
  role: roles.offboarding,
  policy: policyJson(pulumi.all([ctx, apiId, identity.userPool.arn]), ([c, id, userPoolArn]) =>
    offboardingRolePolicy(c, {
      functionName: offboardingName,
      connectionsTableName: names.connectionsTable,
      connectionsUserIndex: names.connectionsUserIndex,
      revocationsTableName: names.revocationsTable,
      userPoolArn,
      apiId: id,
      stage,
    }),
  ),
  environment: pulumi
    .all([identity.userPool.id, data.connectionsTable.name, data.revocationsTable.name, managementEndpoint])
    .apply(([userPoolId, connectionsTableName, revocationsTableName, endpoint]) => ({
      ...offboardingEnvironment(
        {
          userPoolId,
          connectionsTableName,
          connectionsUserIndex: names.connectionsUserIndex,
          revocationsTableName,
          managementEndpoint: endpoint,
        },
        config.logLevel,
      ),
    })),
  logRetentionDays: config.logRetentionDays,
}, componentOpts);
new OffboardingEvents("offboarding-events", { names, offboardingFunction: offboardingFunction.function }, componentOpts);
// Opt-in: the rule above sees Cognito's calls only while some trail logs management events (I17, docs/deploy.md).
if (config.offboardingTrail) new OffboardingTrail("offboarding-trail", { ctx, names }, componentOpts);

// Per-tenant dashboard and optional budget alarms over the chat function's EMF metrics.
new Observability("observability", { names, region: ctx.apply((c) => c.region), tenants: config.tenants, alarms: config.alarms }, componentOpts);

// Access logs need API Gateway's account-level CloudWatch Logs role: managed here on request,
// otherwise it must exist already (docs/deploy.md §Access logs).
const apiGatewayAccount = config.accessLogs && config.manageApiGatewayAccountRole
  ? new ApiGatewayAccount("api-gateway-account", { ctx, names }, componentOpts)
  : undefined;

new WebSocketRoutes("websocket-routes", {
  api: webSocket,
  names,
  authorizerFunction: authorizerFunction.function,
  chatFunction: chatFunction.function,
  throttle: config.throttle,
  askThrottle: config.askThrottle,
  logRetentionDays: config.logRetentionDays,
  accessLogs: config.accessLogs ? { enabled: true, after: apiGatewayAccount?.account } : { enabled: false },
}, componentOpts);

// Stack outputs: docs/architecture.md §Stack outputs (local/runtime/stack-outputs.ts validates this shape).
export const region = ctx.apply((c) => c.region);
export const webSocketUrl = webSocket.url;
export const webSocketProtocol = APP_PROTOCOL;
export const userPoolId = identity.userPool.id;
export const userPoolClientId = identity.userPoolClient.id;
export const tenantsTableName = data.tenantsTable.name;
export const ordersTableNames = pulumi.all(
  Object.fromEntries(Object.entries(data.ordersTables).map(([tenantId, table]) => [tenantId, table.name])),
);
export const connectionsTableName = data.connectionsTable.name;
export const usageTableName = data.usageTable.name;
export const agentId = agent.agent.agentId;
export const agentAliasId = agent.alias.agentAliasId;
export const knowledgeBucketName = knowledge.documents.bucket;
export const knowledgeBaseId = knowledge.knowledgeBase.id;
export const knowledgeDataSourceId = knowledge.dataSource.dataSourceId;
export const users = identity.users;
export const initialPasswords = pulumi.secret(identity.initialPasswords);
export const offboardingFunctionName = offboardingFunction.function.name;
