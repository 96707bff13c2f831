/**
 * Pulumi runtime mocks for the infra tests: records every resource (type, name, resolved
 * inputs), checks it against AWS's documented rules (support/aws-rules.ts) and returns the
 * provider-computed outputs the program reads, in the stack's partition and Region.
 */
import * as pulumi from "@pulumi/pulumi";
import { awsRuleViolations, type AwsEnv } from "./support/aws-rules";

export const MOCK_ACCOUNT = "123456789012";
export const MOCK_REGION = "eu-west-1";
export const MOCK_API_ID = "api0123456";
export const MOCK_AGENT_ID = "AGENT01234";
export const MOCK_ALIAS_ID = "ALIAS01234";
export const MOCK_KNOWLEDGE_BASE_ID = "KBASE01234";
export const MOCK_DATA_SOURCE_ID = "DSRCE01234";

export interface RecordedResource {
  type: string;
  name: string;
  id: string;
  // Resolved Pulumi inputs and outputs are untyped by nature; tests dig into them by path.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  inputs: Record<string, any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  state: Record<string, any>;
  /** The AWS rules these inputs break (empty when AWS would accept them). */
  violations: string[];
  /** The provider reference (`<urn>::<id>`) the resource was registered with, if any. */
  provider?: string;
}

export const DEFAULT_ENV: AwsEnv = { partition: "aws", region: MOCK_REGION, accountId: MOCK_ACCOUNT, dnsSuffix: "amazonaws.com" };

/** Every rule any recorded resource breaks. */
export function violationsOf(resources: readonly RecordedResource[]): string[] {
  return resources.flatMap((r) => r.violations);
}

function computedOutputs(type: string, name: string, inputs: RecordedResource["inputs"], env: AwsEnv): Record<string, unknown> {
  const physical = inputs.name ?? name;
  const { partition: p, region, accountId } = env;
  const arnOf = (service: string, resource: string) => `arn:${p}:${service}:${region}:${accountId}:${resource}`;
  switch (type) {
    case "aws:iam/role:Role":
      return { arn: `arn:${p}:iam::${accountId}:role/${physical}`, name: physical };
    case "aws:lambda/function:Function": {
      const arn = arnOf("lambda", `function:${physical}`);
      return {
        arn,
        name: physical,
        invokeArn: `arn:${p}:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
      };
    }
    case "aws:apigatewayv2/api:Api":
      return {
        arn: `arn:${p}:apigateway:${region}::/apis/${MOCK_API_ID}`,
        executionArn: arnOf("execute-api", MOCK_API_ID),
        apiEndpoint: `wss://${MOCK_API_ID}.execute-api.${region}.${env.dnsSuffix}`,
        name: physical,
      };
    case "aws:bedrock/agentAgent:AgentAgent":
      return { agentId: MOCK_AGENT_ID, agentArn: arnOf("bedrock", `agent/${MOCK_AGENT_ID}`), agentVersion: "DRAFT" };
    case "aws:bedrock/agentAgentAlias:AgentAgentAlias":
      return {
        agentAliasId: MOCK_ALIAS_ID,
        agentAliasArn: arnOf("bedrock", `agent-alias/${MOCK_AGENT_ID}/${MOCK_ALIAS_ID}`),
      };
    case "aws:s3/bucket:Bucket":
      return { arn: `arn:${p}:s3:::${name}-bucket`, bucket: `${name}-bucket` };
    case "aws:s3/vectorsVectorBucket:VectorsVectorBucket":
      return { vectorBucketArn: arnOf("s3vectors", `bucket/${inputs.vectorBucketName}`), vectorBucketName: inputs.vectorBucketName };
    case "aws:s3/vectorsIndex:VectorsIndex":
      return { indexArn: arnOf("s3vectors", `bucket/${inputs.vectorBucketName}/index/${inputs.indexName}`) };
    case "aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase":
      return { arn: arnOf("bedrock", `knowledge-base/${MOCK_KNOWLEDGE_BASE_ID}`), name: physical };
    case "aws:bedrock/agentDataSource:AgentDataSource":
      return { dataSourceId: MOCK_DATA_SOURCE_ID };
    case "random:index/randomPassword:RandomPassword":
      return { result: `Mock-Passw0rd!${name}` };
    case "aws:dynamodb/table:Table":
      return { arn: arnOf("dynamodb", `table/${physical}`), name: physical };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { arn: arnOf("logs", `log-group:${physical}`), name: physical };
    default:
      return { arn: arnOf("mock", `${type}/${name}`), name: physical };
  }
}

function idOf(type: string, name: string): string {
  if (type === "aws:apigatewayv2/api:Api") return MOCK_API_ID;
  if (type === "aws:bedrock/agentAgent:AgentAgent") return MOCK_AGENT_ID;
  if (type === "aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase") return MOCK_KNOWLEDGE_BASE_ID;
  return `${name}-id`;
}

/** An application inference profile's models, as Bedrock lists them (GetInferenceProfile). */
function inferenceProfile(id: string, env: AwsEnv): Record<string, unknown> {
  const model = "anthropic.claude-sonnet-4-6";
  return {
    inferenceProfileArn: id,
    inferenceProfileId: id.split("/").at(-1),
    type: "APPLICATION",
    status: "ACTIVE",
    models: [`arn:${env.partition}:bedrock:${env.region}::foundation-model/${model}`].map((modelArn) => ({ modelArn })),
  };
}

/** Installs the mocks; returns the live list of recorded resources. */
export async function installMocks(project: string, stack: string, environment: Partial<AwsEnv> = {}): Promise<RecordedResource[]> {
  const env: AwsEnv = { ...DEFAULT_ENV, ...environment };
  const resources: RecordedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const id = idOf(args.type, args.name);
        const state = { ...args.inputs, ...computedOutputs(args.type, args.name, args.inputs, env) };
        const violations = awsRuleViolations(args.type, args.name, args.inputs, env);
        resources.push({ type: args.type, name: args.name, id, inputs: args.inputs, state, violations, provider: args.provider });
        return { id, state };
      },
      call(args) {
        switch (args.token) {
          case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: env.accountId, arn: `arn:${env.partition}:iam::${env.accountId}:user/deployer`, userId: "AIDAMOCK", id: env.accountId };
          case "aws:index/getPartition:getPartition":
            return { partition: env.partition, dnsSuffix: env.dnsSuffix, id: env.partition, reverseDnsPrefix: env.dnsSuffix.split(".").reverse().join(".") };
          case "aws:index/getRegion:getRegion":
            return { region: env.region, name: env.region, id: env.region, endpoint: `ec2.${env.region}.${env.dnsSuffix}` };
          case "aws:bedrock/getInferenceProfile:getInferenceProfile":
            return inferenceProfile(String(args.inputs.inferenceProfileId), env);
          default:
            throw new Error(`unmocked call ${args.token}`);
        }
      },
    },
    project,
    stack,
    false,
  );
  return resources;
}

export function outputValue<T>(output: pulumi.Input<T>): Promise<pulumi.Unwrap<T>> {
  return new Promise((resolve) => pulumi.output(output).apply((value) => resolve(value)));
}

/** Waits until no resource has been registered for a few ticks (all applies settled). */
export async function settled(resources: readonly RecordedResource[], quietMs = 30, maxMs = 5000): Promise<void> {
  const started = Date.now();
  let count = -1;
  while (resources.length !== count && Date.now() - started < maxMs) {
    count = resources.length;
    await new Promise((r) => setTimeout(r, quietMs));
  }
}
