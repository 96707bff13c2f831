/**
 * The Bedrock agent: its service role (invoke the configured model, or profile, only), the action
 * group backed by the action-group function, the permission that lets only this agent
 * invoke that function, and the alias the chat function calls.
 *
 * Streaming: the provider has no agent-level streaming setting; streaming of the final
 * response is requested per call (InvokeAgent streamingConfigurations.streamFinalResponse)
 * and allowed here by bedrock:InvokeModelWithResponseStream in agentRolePolicy.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ChildNames } from "./child-names";
import { createHash } from "node:crypto";
import { ACTION_GROUP_NAME } from "../../lambdas/action-group/function-schema";
import { actionGroupFunctions } from "../agent-function-schema";
import { AGENT_INSTRUCTION } from "../agent-instruction";
import { policyJson } from "../aws-context";
import { parseModelReference } from "../model-reference";
import type { StackNames } from "../naming";
import { agentKnowledgePolicy, agentRolePolicy, agentTrustPolicy, type AwsContext } from "../policies";

export interface AssistantAgentArgs {
  ctx: pulumi.Input<AwsContext>;
  names: StackNames;
  modelId: string;
  actionGroupFunction: aws.lambda.Function;
  /** Idle conversation memory; Bedrock's default is 600 s. */
  idleSessionTtlSeconds?: number;
  /** The stage's knowledge base (I18): associated with the agent, retrievable by its role. */
  knowledgeBaseId: pulumi.Input<string>;
}

/** What the agent is told about its knowledge base: when to search it. */
export const KNOWLEDGE_BASE_DESCRIPTION =
  "The company's own documents: product catalogue, FAQ, shipping and warranty terms. Search it for questions about what the company sells and its policies beyond returns.";

/**
 * An alias points at an immutable agent version made when the alias is created or
 * updated. Hashing what defines the agent into the alias description updates the alias
 * (and so cuts a new version) whenever the instruction, model or tools change: with no
 * routingConfiguration the provider sends none, and Bedrock versions the prepared DRAFT
 * (hashicorp/terraform-provider-aws#42603).
 */
export function agentDefinitionHash(modelId: string): string {
  return createHash("sha256")
    .update(JSON.stringify({ modelId, instruction: AGENT_INSTRUCTION, tools: actionGroupFunctions(), knowledge: KNOWLEDGE_BASE_DESCRIPTION }))
    .digest("hex")
    .slice(0, 16);
}

export class AssistantAgent extends pulumi.ComponentResource {
  readonly agent: aws.bedrock.AgentAgent;
  readonly alias: aws.bedrock.AgentAgentAlias;
  readonly role: aws.iam.Role;

  constructor(name: string, args: AssistantAgentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mta:infra:AssistantAgent", name, {}, opts);
    const child = new ChildNames(this, name, "agent");

    this.role = new aws.iam.Role(
      child.name("role"),
      {
        name: args.names.roleName("agent"),
        assumeRolePolicy: policyJson(args.ctx, (ctx) => agentTrustPolicy(ctx)),
      },
      child.opts("role", "agent-role"),
    );
    const model = parseModelReference(args.modelId);
    // An application profile's models are whatever it was created from: ask Bedrock.
    const applicationProfileModelArns: pulumi.Input<string[]> =
      model.kind === "application-profile"
        ? aws.bedrock
            .getInferenceProfileOutput({ inferenceProfileId: model.arn }, { parent: this })
            .apply((profile) => profile.models.map((m) => m.modelArn))
        : [];
    const rolePolicy = new aws.iam.RolePolicy(
      child.name("policy"),
      {
        role: this.role.id,
        name: "model",
        policy: policyJson(pulumi.all([args.ctx, applicationProfileModelArns]), ([ctx, arns]) =>
          agentRolePolicy(ctx, { model, applicationProfileModelArns: arns }),
        ),
      },
      child.opts("policy", "agent-policy"),
    );

    this.agent = new aws.bedrock.AgentAgent(
      child.name(),
      {
        agentName: args.names.agent,
        agentResourceRoleArn: this.role.arn,
        // A foundation-model id, or the inference profile id/ARN itself (CreateAgent accepts both).
        foundationModel: model.id,
        instruction: AGENT_INSTRUCTION,
        idleSessionTtlInSeconds: args.idleSessionTtlSeconds ?? 600,
        prepareAgent: true,
      },
      child.opts(undefined, "agent", { dependsOn: [rolePolicy] }),
    );

    const knowledgePolicy = new aws.iam.RolePolicy(
      child.name("knowledge-policy"),
      {
        role: this.role.id,
        name: "knowledge-base",
        policy: policyJson(pulumi.all([args.ctx, args.knowledgeBaseId]), ([ctx, knowledgeBaseId]) => agentKnowledgePolicy(ctx, { knowledgeBaseId })),
      },
      child.opts("knowledge-policy", "agent-knowledge-policy"),
    );
    const knowledge = new aws.bedrock.AgentAgentKnowledgeBaseAssociation(
      child.name("knowledge-base-association"),
      {
        agentId: this.agent.agentId,
        agentVersion: "DRAFT",
        knowledgeBaseId: args.knowledgeBaseId,
        description: KNOWLEDGE_BASE_DESCRIPTION,
        knowledgeBaseState: "ENABLED",
      },
      child.opts("knowledge-base-association", "knowledge-base-association", { dependsOn: [knowledgePolicy] }),
    );

    const permission = new aws.lambda.Permission(
      child.name("invokes-action-group"),
      {
        action: "lambda:InvokeFunction",
        function: args.actionGroupFunction.name,
        principal: "bedrock.amazonaws.com",
        sourceArn: this.agent.agentArn,
        sourceAccount: pulumi.output(args.ctx).apply((ctx) => ctx.accountId),
      },
      child.opts("invokes-action-group", "agent-invokes-action-group"),
    );

    const actionGroup = new aws.bedrock.AgentAgentActionGroup(
      child.name("action-group"),
      {
        actionGroupName: ACTION_GROUP_NAME,
        agentId: this.agent.agentId,
        agentVersion: "DRAFT",
        actionGroupExecutor: { lambda: args.actionGroupFunction.arn },
        functionSchema: { memberFunctions: { functions: actionGroupFunctions() } },
        prepareAgent: true,
        skipResourceInUseCheck: true,
      },
      child.opts("action-group", "action-group", { dependsOn: [permission] }),
    );

    this.alias = new aws.bedrock.AgentAgentAlias(
      child.name("alias"),
      {
        agentAliasName: "live",
        agentId: this.agent.agentId,
        description: `definition ${agentDefinitionHash(args.modelId)}`,
      },
      // The alias snapshots the prepared DRAFT: it must include the action group and the knowledge base.
      child.opts("alias", "alias", { dependsOn: [actionGroup, knowledge] }),
    );

    this.registerOutputs({ agentId: this.agent.agentId, agentAliasId: this.alias.agentAliasId });
  }
}
