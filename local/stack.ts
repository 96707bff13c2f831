/**
 * `startLocalStack`: the whole system on 127.0.0.1. Stand-ins that speak the real AWS
 * wire protocols (Cognito, DynamoDB behind a SigV4 + IAM gate, STS, Lambda, Bedrock
 * agent runtime, API Gateway WebSocket + @connections) run the UNCHANGED Lambda bundles
 * with the policies, environment and names the Pulumi program uses.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { existsSync } from "node:fs";
import type * as http from "node:http";
import { join, resolve } from "node:path";
import { PROJECT, tenantBudgets, type StackConfig } from "../infra/config";
import { readStackConfigFile } from "../infra/config-file";
import { bundlePath } from "../infra/bundles";
import { FUNCTION_SETTINGS } from "../infra/function-settings";
import { toEnvironment as actionGroupEnvironment } from "../lambdas/action-group/config";
import { toEnvironment as authorizerEnvironment } from "../lambdas/authorizer/config";
import { toEnvironment as chatEnvironment } from "../lambdas/chat/config";
import { toEnvironment as offboardingEnvironment } from "../lambdas/offboarding/config";
import { offboardingEventPattern } from "../infra/offboarding-rule";
import { TWO_WAY_ROUTE_KEYS } from "../infra/route-keys";
import { LocalEventBus } from "./eventbridge/event-bus";
import { managementEvent } from "./cognito/management-events";
import { randomUUID } from "node:crypto";
import { APP_PROTOCOL, FUNCTION_NAMES, stackNames, type FunctionName } from "../infra/naming";
import type { AwsContext } from "../infra/policies";
import { ACTION_GROUP_NAME, TOOL_FUNCTIONS } from "../lambdas/action-group/function-schema";
import { buildFunction } from "./lambda/function-bundler";
import { CallCounter } from "./runtime/call-counter";
import type { StackOutputs } from "./runtime/stack-outputs";
import { createWebServer, webConfigFromOutputs } from "./hosting/page-server";
import { startApiGateway, type ApiGatewayOptions } from "./apigateway/websocket-api";
import type { RawAwsRequest } from "./runtime/aws-request";
import { DEFAULT_CHUNK_DELAY_MS, startBedrockAgentRuntime } from "./bedrock/agent-runtime";
import { LocalKnowledgeBase } from "./bedrock/knowledge-base";
import { startKnowledgeBaseControl } from "./bedrock/knowledge-base-control";
import { seedDemoDocuments } from "./knowledge/demo-documents";
import { ObjectStore } from "./s3/object-store";
import { startS3 } from "./s3/s3";
import { agentModeFor, HONEST, type AgentModeSetting } from "./redteam/agent-mode-scope";
import { startCognito } from "./cognito/cognito";
import { actionGroupVariants } from "./redteam/action-group-variants";
import { startControlServer, type ActionGroupVariant } from "./redteam/control-server";
import { ownerOnlyDir, writeOwnerOnlyFile } from "./runtime/owner-only-file";
import { writeInitialPasswordsFile } from "./runtime/initial-passwords-file";
import { CredentialRegistry } from "./iam/credentials";
import { iamGateFor, iamGateLabel, switchIamGate } from "./iam/iam-gate";
import { startDynamoDbGate } from "./dynamodb/gate";
import { authorizeIam, LOCAL_ACCOUNT_ID } from "./iam/policy-evaluation";
import { LambdaService, localAsyncInvoke, MissingBundleError, type InvokeResult, type FunctionErrorPayload } from "./lambda/lambda-service";
import { assertPortFree, close, listen } from "./runtime/listen";
import { createLocalIdentities, createLocalOperator } from "./iam/roles";
import { asRestAuthenticationFailure, verifySigV4 } from "./iam/sigv4-verify";
import { DEFAULT_PORT_BASE, parsePortBase, portsFrom, type PortName } from "./runtime/start-options";
import { startSts } from "./sts/sts";
import { createTablesAndSeed } from "./dynamodb/tables";

export const ROOT_DIR = resolve(__dirname, "..");
export const LOCAL_STAGE = "dev";
export const LOCAL_API_ID = "local";
/** Bedrock agent and alias ids are 10 upper-case alphanumerics. */
export const LOCAL_AGENT_ID = "LOCALAGENT";
export const LOCAL_AGENT_ALIAS_ID = "LOCALALIAS";
/** Knowledge base and data source ids are 10 upper-case alphanumerics too. */
export const LOCAL_KNOWLEDGE_BASE_ID = "LOCALKBASE";
export const LOCAL_DATA_SOURCE_ID = "LOCALDSRCE";

/** Fixed ports of `npm start` without --port-base. */
export const DEFAULT_PORTS: Readonly<Record<PortName, number>> = portsFrom(DEFAULT_PORT_BASE);

export interface StartLocalStackOptions {
  configFile?: string;
  ports?: "free" | "default";
  /** With ports "default": the page's port; the others at PORT_OFFSETS from it (default 4500). */
  portBase?: number;
  stateDir?: string;
  limits?: ApiGatewayOptions["limits"];
  /**
   * Overrides the config file's `askRateLimit` (e.g. a benchmark that sends hundreds of
   * asks as one user measures latency, not the limit).
   */
  askRateLimit?: StackConfig["askRateLimit"];
  /**
   * Overrides the config file's `logLevel` (the functions' Powertools log level, a setting
   * a deployed stack has too): the load benchmark runs at WARN, as a busy production stack
   * might, so three INFO lines per answer are not part of what it measures.
   */
  logLevel?: StackConfig["logLevel"];
  /**
   * The Bedrock stand-in's pause between streamed chunks (default 15 ms, standing in for
   * the model's speed so the page and the tests see streaming); 0 is a benchmark setting
   * that measures the system's own time.
   */
  agentChunkDelayMs?: number;
  /**
   * The most execution environments of a function the stack does not reserve concurrency
   * for (default: two per core, `localMaxEnvironments`, since answers streamed at the
   * default pacing keep their environments waiting). The load benchmark, whose answers
   * never wait on the pacing (0), runs one per core (and one more for the chat function,
   * `environmentsByFunction`): on 2 cores that costs 20–30 % less CPU per ask than two per
   * core (docs/performance.md, "Throughput"). Lambda's semantics hold at any cap.
   */
  environmentsPerFunction?: number;
  /**
   * Per function, over `environmentsPerFunction` (a reservation in the stack config still
   * wins, as Lambda's concurrency): the load benchmark gives the chat function one
   * environment more than the others, since each ask holds it twice, once across the
   * agent's whole turn (docs/performance.md, "Throughput").
   */
  environmentsByFunction?: Readonly<Partial<Record<FunctionName, number>>>;
  /**
   * BENCHMARK ONLY (scripts/bench/load.ts measures isolation overhead with it): the stack's
   * IAM gate (SigV4 verification and IAM evaluation in the DynamoDB, Lambda, Bedrock and
   * @connections stand-ins) starts enforced but can be turned off and on with
   * `setIamGate` (local/iam/iam-gate.ts). Without it (`npm start`, the test setups) the
   * gate is fixed on; the stack reports which (GET /health `iamGate`) and the integration
   * suite asserts `enforced` (T25a).
   */
  benchmarkOnly?: { iamGateSwitch?: boolean };
}

export interface LocalStack {
  outputs: StackOutputs;
  outputsFile: string;
  /** Milliseconds from the call to ready. */
  startupMs: number;
  /** Compromised only for the users it names; everyone else keeps the honest agent. */
  setAgentMode(setting: AgentModeSetting): void;
  /** In-process callers only: any bundle path. Over HTTP only the closed variant set is offered. */
  setActionGroupBundle(path: string | null): Promise<void>;
  /** The real action group, or the red-team fixture the stack builds itself. */
  setActionGroupVariant(variant: ActionGroupVariant): Promise<void>;
  /** In-process callers only (benchmarks): the Bedrock stand-in's pause between chunks from now on. */
  setAgentChunkDelayMs(ms: number): void;
  /**
   * BENCHMARK ONLY: the IAM gate off (false) or on (true) from the next request on, for
   * the benchmark that started this stack with `benchmarkOnly.iamGateSwitch`; on any
   * other stack it throws IamGateFixedError and the gate stays enforced (T25a).
   */
  setIamGate(enforced: boolean): void;
  /** Every call the stand-ins served, by service and operation (also `GET /calls` on the control server). */
  calls: CallCounter;
  /** Execution environments per function (cold starts so far, running now, the cap). */
  lambdaEnvironments(fn: FunctionName): { coldStarts: number; size: number; max: number };
  stop(): Promise<void>;
}

class FunctionInvocationError extends Error {
  constructor(readonly fn: string, readonly payload: FunctionErrorPayload | undefined) {
    super(payload?.errorMessage ?? `${fn} failed`);
    this.name = "FunctionInvocationError";
  }
}

function unwrap(fn: string, result: InvokeResult): unknown {
  if (result.functionError) throw new FunctionInvocationError(fn, result.payload as FunctionErrorPayload | undefined);
  return result.payload;
}

export async function startLocalStack(options: StartLocalStackOptions = {}): Promise<LocalStack> {
  const started = Date.now();
  const stateDir = resolve(options.stateDir ?? join(ROOT_DIR, ".local"));
  const fixedPorts = portsFrom(options.portBase === undefined ? DEFAULT_PORT_BASE : parsePortBase(String(options.portBase), "portBase"));
  const port = (name: PortName) => (options.ports === "free" ? 0 : fixedPorts[name]);

  // Fail fast, before anything starts: one clear line for each mistake.
  const bundles = Object.fromEntries(FUNCTION_NAMES.map((fn) => [fn, bundlePath(fn)])) as Record<FunctionName, string>;
  for (const bundle of Object.values(bundles)) if (!existsSync(bundle)) throw new MissingBundleError(bundle);
  const { config: fileConfig, region: configRegion } = readStackConfigFile(options.configFile ?? join(ROOT_DIR, "Pulumi.dev.yaml"));
  const config: StackConfig = options.logLevel ? { ...fileConfig, logLevel: options.logLevel } : fileConfig;
  if (options.ports !== "free") {
    for (const name of Object.keys(fixedPorts) as PortName[]) await assertPortFree(fixedPorts[name], name);
  }
  // Owner-only: the state holds cognito-local's database (plaintext passwords, refresh
  // tokens), the token-signing key, function logs and built bundles.
  ownerOnlyDir(stateDir);
  const logDir = ownerOnlyDir(join(stateDir, "logs"));
  const metricsDir = ownerOnlyDir(join(stateDir, "metrics"));
  ownerOnlyDir(join(stateDir, "bundles"));

  const region = configRegion ?? "us-east-1";
  const ctx: AwsContext = { partition: "aws", region, accountId: LOCAL_ACCOUNT_ID };
  const names = stackNames(PROJECT, LOCAL_STAGE, region);
  const registry = new CredentialRegistry();
  // The operator first: seeding Cognito needs it, and the offboarding role names the pool Cognito creates.
  const admin = createLocalOperator(registry, ctx);
  // The default event bus: the Cognito gate's management events → the offboarding function (I17).
  const eventBus = new LocalEventBus((rule, error) => console.error(`event rule ${rule}: delivery failed (${(error as Error).name})`));
  const calls = new CallCounter();
  const iamGate = iamGateFor(options.benchmarkOnly);
  const sweeper = setInterval(() => registry.sweep(), 60_000);
  sweeper.unref();

  const stops: (() => Promise<void>)[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(sweeper);
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };

  try {
    const [cognito, dynamodb] = await Promise.all([
      startCognito({
        port: port("cognito"),
        stateDir,
        region,
        poolName: names.userPool,
        config,
        // Admin* and pool management are IAM-authorized, as on AWS; the seeding signs as the operator.
        operators: { ctx, authenticate: (request, o) => verifySigV4(request, registry, o), authorize: authorizeIam },
        operatorCredentials: { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey },
        onAccessEnded: (event) =>
          eventBus.put(managementEvent({ ...event, region, accountId: LOCAL_ACCOUNT_ID, time: new Date(), id: randomUUID() })),
      }),
      startDynamoDbGate({ port: port("dynamodb"), ctx, registry, calls, iamGate, stateDir }),
    ]);
    stops.push(cognito.close, dynamodb.close);
    const identities = createLocalIdentities(
      registry,
      {
        ctx,
        names,
        apiId: LOCAL_API_ID,
        stage: LOCAL_STAGE,
        agentId: LOCAL_AGENT_ID,
        agentAliasId: LOCAL_AGENT_ALIAS_ID,
        tenantIds: config.tenants.map((t) => t.id),
        userPoolId: cognito.userPoolId,
      },
      admin,
    );
    const sts = await startSts({ port: port("sts"), ctx, registry, roles: identities.roles, calls });
    stops.push(sts.close);

    const adminDynamo = new DynamoDBClient({
      region,
      endpoint: dynamodb.url,
      credentials: { accessKeyId: identities.admin.accessKeyId, secretAccessKey: identities.admin.secretAccessKey },
    });
    await createTablesAndSeed(adminDynamo, names, config);
    adminDynamo.destroy();

    // The knowledge documents (I18): an S3 bucket, the knowledge base over it and its
    // ingestion endpoint, seeded with the demo tenants' documents and indexed once.
    const knowledgeBucketName = `${names.prefix}-knowledge`;
    const objects = new ObjectStore();
    objects.createBucket(knowledgeBucketName);
    seedDemoDocuments(objects, knowledgeBucketName, config.tenants.map((t) => t.id));
    const knowledgeBase = new LocalKnowledgeBase(LOCAL_KNOWLEDGE_BASE_ID, LOCAL_DATA_SOURCE_ID, knowledgeBucketName, objects);
    knowledgeBase.ingest();
    const [s3, knowledgeControl] = await Promise.all([
      startS3({ port: port("s3"), ctx, registry, store: objects }),
      startKnowledgeBaseControl({ port: port("bedrockAgent"), ctx, registry, knowledgeBase }),
    ]);
    stops.push(s3.close, knowledgeControl.close);

    const lambda = new LambdaService({ ctx, logDir, metricsDir, calls, iamGate, maxEnvironments: options.environmentsPerFunction });
    const lambdaApi = await lambda.startHttp(port("lambda"), registry);
    stops.push(lambdaApi.close, () => lambda.close(), () => eventBus.drain());

    const authorizeWith =
      (service: string, action: string, denial: { status: number; code: string }) =>
      async (request: RawAwsRequest, resourceArn: string): Promise<void> => {
        if (!iamGate.enforced) return;
        // Both users of this (Bedrock, @connections) are REST services: 403 on a failed authentication.
        const caller = await verifySigV4(request, registry, { service }).catch((error: unknown) => {
          throw asRestAuthenticationFailure(error);
        });
        await authorizeIam(caller, { action, resourceArn }, denial);
      };

    let agentMode: AgentModeSetting = HONEST;
    let agentChunkDelayMs = options.agentChunkDelayMs ?? DEFAULT_CHUNK_DELAY_MS;
    const fnName = (fn: FunctionName) => names.functionName(fn);
    const bedrock = await startBedrockAgentRuntime({
      port: port("bedrockAgentRuntime"),
      region,
      accountId: LOCAL_ACCOUNT_ID,
      agent: {
        agentId: LOCAL_AGENT_ID,
        agentAliasId: LOCAL_AGENT_ALIAS_ID,
        agentName: `${names.prefix}-agent`,
        actionGroupName: ACTION_GROUP_NAME,
        functions: TOOL_FUNCTIONS,
      },
      authorize: authorizeWith("bedrock", "bedrock:InvokeAgent", { status: 403, code: "AccessDeniedException" }),
      invokeActionGroup: async (event) => unwrap("action-group", await lambda.invoke(fnName("action-group"), event)),
      mode: (userId) => agentModeFor(agentMode, userId),
      chunkDelayMs: () => agentChunkDelayMs,
      calls,
      knowledgeBase,
    });
    stops.push(bedrock.close);

    const apiGateway = await startApiGateway({
      port: port("apiGateway"),
      stage: LOCAL_STAGE,
      apiId: LOCAL_API_ID,
      region,
      accountId: LOCAL_ACCOUNT_ID,
      invokeAuthorizer: async (event) => unwrap("authorizer", await lambda.invoke(fnName("authorizer"), event)),
      invokeIntegration: async (event) => unwrap("chat", await lambda.invoke(fnName("chat"), event)),
      authorize: authorizeWith("execute-api", "execute-api:ManageConnections", { status: 403, code: "ForbiddenException" }),
      limits: options.limits,
      // The Pulumi program's two-way routes (infra/route-keys.ts): the chat function's body is the reply.
      routeResponses: TWO_WAY_ROUTE_KEYS,
      calls,
    });
    stops.push(apiGateway.close);

    const baseEnvironment: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      TZ: "UTC",
      LANG: "en_US.UTF-8",
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
      // No profile, no ~/.aws: the function sees only its role's keys and the stand-ins.
      AWS_CONFIG_FILE: join(stateDir, "no-aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(stateDir, "no-aws-credentials"),
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url,
      AWS_ENDPOINT_URL_STS: sts.url,
      AWS_ENDPOINT_URL_LAMBDA: lambdaApi.url,
      AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME: bedrock.url,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.url,
    };
    lambda.setBaseEnvironment(baseEnvironment);
    const environments: Record<FunctionName, Record<string, string>> = {
      authorizer: { ...authorizerEnvironment({
        userPoolId: cognito.userPoolId,
        clientId: cognito.userPoolClientId,
        tenantIds: new Set(config.tenants.map((t) => t.id)),
        appProtocol: APP_PROTOCOL,
        issuerOverride: { issuer: cognito.issuer, jwksUri: cognito.jwksUri },
      }, config.logLevel) },
      chat: { ...chatEnvironment({
        connectionsTableName: names.connectionsTable,
        tenantsTableName: names.tenantsTable,
        tenantAccessRoleArn: identities.tenantAccessRole.arn,
        agentId: LOCAL_AGENT_ID,
        agentAliasId: LOCAL_AGENT_ALIAS_ID,
        knowledgeBaseId: LOCAL_KNOWLEDGE_BASE_ID,
        managementEndpoint: apiGateway.managementUrl,
        appProtocol: APP_PROTOCOL,
        limitsTableName: names.limitsTable,
        asksPerUserPerMinute: (options.askRateLimit ?? config.askRateLimit).perUserPerMinute,
        revocationsTableName: names.revocationsTable,
        usageTableName: names.usageTable,
        usageRetentionDays: config.usage.retentionDays,
        reserveTokensPerAnswer: config.usage.reserveTokensPerAnswer,
        budgets: tenantBudgets(config.tenants),
        // The authorizer's own settings: a renewal is verified as a $connect is (I2).
        idTokens: {
          userPoolId: cognito.userPoolId,
          clientId: cognito.userPoolClientId,
          tenantIds: new Set(config.tenants.map((t) => t.id)),
          issuerOverride: { issuer: cognito.issuer, jwksUri: cognito.jwksUri },
        },
        metricsNamespace: names.metricsNamespace,
      }, config.logLevel) },
      offboarding: { ...offboardingEnvironment({
        userPoolId: cognito.userPoolId,
        connectionsTableName: names.connectionsTable,
        connectionsUserIndex: names.connectionsUserIndex,
        revocationsTableName: names.revocationsTable,
        managementEndpoint: apiGateway.managementUrl,
      }, config.logLevel) },
      "action-group": { ...actionGroupEnvironment({
        tenantsTableName: names.tenantsTable,
        ordersTablePrefix: names.ordersTablePrefix,
        connectionsTableName: names.connectionsTable,
        managementEndpoint: apiGateway.managementUrl,
        usageTableName: names.usageTable,
      }, config.logLevel) },
    };
    for (const fn of FUNCTION_NAMES) {
      lambda.define({
        name: fnName(fn),
        bundle: bundles[fn],
        environment: environments[fn],
        credentials: identities.functionCredentials[fn],
        // As the Pulumi program deploys it (infra/function-settings.ts).
        timeoutMs: FUNCTION_SETTINGS[fn].timeoutSeconds * 1000,
        memoryMb: FUNCTION_SETTINGS[fn].memoryMb,
        handler: FUNCTION_SETTINGS[fn].handler,
        // Lambda's concurrency for the function: its reservation when the stack sets one.
        maxEnvironments: (fn === "chat" || fn === "authorizer" ? config.reservedConcurrency[fn] : undefined) ?? options.environmentsByFunction?.[fn],
        // Maximum event age, retries and on-failure destination, as the Pulumi program sets them.
        asyncInvoke: localAsyncInvoke(FUNCTION_SETTINGS[fn].asyncInvoke, fnName(fn)),
      });
    }
    await lambda.startAll();
    // The Pulumi program's rule (infra/components/offboarding.ts), with the same pattern.
    eventBus.addRule({
      name: names.offboardingRule,
      pattern: offboardingEventPattern(),
      deliver: async (event) => {
        unwrap("offboarding", await lambda.invoke(fnName("offboarding"), event));
      },
    });

    const setAgentMode = (setting: AgentModeSetting) => {
      agentMode = setting;
    };
    const setActionGroupBundle = (bundle: string | null) => lambda.setBundle(fnName("action-group"), bundle && resolve(bundle));
    const { setVariant: setActionGroupVariant } = actionGroupVariants({
      stateDir,
      build: (entry, outfile) => buildFunction("action-group", entry, outfile),
      setBundle: setActionGroupBundle,
    });
    const control = await startControlServer(port("control"), {
      setAgentMode,
      setActionGroupVariant,
      callCounts: () => calls.snapshot(),
      iamGate: () => iamGateLabel(iamGate),
      chatRoleCredentials: () => ({
        accessKeyId: identities.functionCredentials.chat.accessKeyId,
        secretAccessKey: identities.functionCredentials.chat.secretAccessKey,
        sessionToken: identities.functionCredentials.chat.sessionToken ?? "",
        tenantAccessRoleArn: identities.tenantAccessRole.arn,
      }),
    });
    stops.push(control.close);

    const outputs: StackOutputs = {
      region,
      webSocketUrl: apiGateway.webSocketUrl,
      webSocketProtocol: APP_PROTOCOL,
      userPoolId: cognito.userPoolId,
      userPoolClientId: cognito.userPoolClientId,
      tenantsTableName: names.tenantsTable,
      ordersTableNames: Object.fromEntries(config.tenants.map((t) => [t.id, names.ordersTable(t.id)])),
      connectionsTableName: names.connectionsTable,
      usageTableName: names.usageTable,
      agentId: LOCAL_AGENT_ID,
      agentAliasId: LOCAL_AGENT_ALIAS_ID,
      knowledgeBucketName,
      knowledgeBaseId: LOCAL_KNOWLEDGE_BASE_ID,
      knowledgeDataSourceId: LOCAL_DATA_SOURCE_ID,
      users: cognito.users,
      // The path only: the passwords stay out of the outputs file (I19).
      initialPasswordsFile: writeInitialPasswordsFile(stateDir, cognito.initialPasswords),
      offboardingFunctionName: fnName("offboarding"),
      endpoints: {
        cognito: cognito.url,
        dynamodb: dynamodb.url,
        sts: sts.url,
        lambda: lambdaApi.url,
        bedrockAgentRuntime: bedrock.url,
        apiGatewayManagement: apiGateway.managementUrl,
        control: control.url,
        s3: s3.url,
        bedrockAgent: knowledgeControl.url,
      },
      adminCredentials: { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey },
      controlToken: control.token,
      localTokenSigningKeyFile: cognito.tokenSigningKeyFile,
    };

    const web: http.Server = createWebServer({ config: webConfigFromOutputs(outputs) });
    const webPort = await listen(web, port("web"), "web");
    stops.push(() => close(web));
    outputs.webUrl = `http://127.0.0.1:${webPort}/`;

    const outputsFile = join(stateDir, "stack-outputs.json");
    // The file holds local-only admin keys and the control token (no password, I19):
    // owner-only. `mode` applies only when the file is created, so an existing file
    // (from an earlier run, perhaps world-readable) is narrowed as well.
    writeOwnerOnlyFile(outputsFile, `${JSON.stringify(outputs, null, 2)}\n`);

    return {
      outputs,
      outputsFile,
      startupMs: Date.now() - started,
      setAgentMode,
      setActionGroupBundle,
      setActionGroupVariant,
      setAgentChunkDelayMs: (ms) => {
        agentChunkDelayMs = Math.max(0, ms);
      },
      setIamGate: (enforced) => switchIamGate(iamGate, enforced),
      calls,
      lambdaEnvironments: (fn) => lambda.environments(fnName(fn)),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
