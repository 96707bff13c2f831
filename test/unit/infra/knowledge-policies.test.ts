/**
 * infra/policies.ts, the knowledge base's documents (I18, I10), evaluated with
 * @cloud-copilot/iam-simulate: the knowledge base role reads the documents, embeds with
 * one model and uses its own vector index, and nothing else; the agent may retrieve from
 * its own knowledge base only. Each denial has an allowed twin.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import {
  agentKnowledgePolicy,
  knowledgeBaseArn,
  knowledgeBaseRolePolicy,
  knowledgeBaseTrustPolicy,
  vectorIndexArn,
  type AwsContext,
  type PolicyDocument,
} from "../../../infra/policies";

const ctx: AwsContext = { partition: "aws", region: "us-east-1", accountId: "123456789012" };
const KB_SESSION = "arn:aws:sts::123456789012:assumed-role/mta-test-knowledge-base/bedrock";
const BUCKET = "knowledge-documents-abc123";
const policy = knowledgeBaseRolePolicy(ctx, {
  embeddingModelId: "amazon.titan-embed-text-v2:0",
  documentBucketName: BUCKET,
  vectorBucketName: "mta-test-vectors",
  indexName: "documents",
});
const INDEX = vectorIndexArn(ctx, "mta-test-vectors", "documents");

async function simulate(doc: PolicyDocument, action: string, resource: string, context: Record<string, string> = {}): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: KB_SESSION,
        action,
        resource: { resource, accountId: ctx.accountId },
        contextVariables: { "aws:ResourceAccount": ctx.accountId, ...context },
      },
      identityPolicies: [{ name: "under-test", policy: doc }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === "error") throw new Error(`simulation error: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

describe("knowledgeBaseRolePolicy (least privilege)", () => {
  it.each([
    ["read a tenant's document", "s3:GetObject", `arn:aws:s3:::${BUCKET}/tenant1/catalogue.md`],
    ["list the document bucket", "s3:ListBucket", `arn:aws:s3:::${BUCKET}`],
    ["embed with the configured model", "bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"],
    ["write vectors to its index", "s3vectors:PutVectors", INDEX],
    ["query its index", "s3vectors:QueryVectors", INDEX],
    ["delete vectors of removed documents", "s3vectors:DeleteVectors", INDEX],
  ])("allows: %s", async (_label, action, resource) => {
    await expect(simulate(policy, action, resource)).resolves.toBe("Allowed");
  });

  it.each([
    ["write a document (only the operator writes documents and their tenantId metadata)", "s3:PutObject", `arn:aws:s3:::${BUCKET}/tenant1/evil.md`],
    ["overwrite a sidecar", "s3:PutObject", `arn:aws:s3:::${BUCKET}/tenant1/catalogue.md.metadata.json`],
    ["delete a document", "s3:DeleteObject", `arn:aws:s3:::${BUCKET}/tenant1/catalogue.md`],
    ["read another bucket", "s3:GetObject", "arn:aws:s3:::someone-elses-bucket/secret.md"],
    ["another index", "s3vectors:QueryVectors", vectorIndexArn(ctx, "mta-test-vectors", "other")],
    ["delete its index", "s3vectors:DeleteIndex", INDEX],
    ["another model", "bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"],
    ["the orders tables", "dynamodb:Query", "arn:aws:dynamodb:us-east-1:123456789012:table/mta-test-orders-tenant1"],
  ])("denies: %s", async (_label, action, resource) => {
    await expect(simulate(policy, action, resource)).resolves.not.toBe("Allowed");
  });

  it("denies reading a same-named bucket in another account", async () => {
    await expect(simulate(policy, "s3:GetObject", `arn:aws:s3:::${BUCKET}/tenant1/catalogue.md`, { "aws:ResourceAccount": "999999999999" })).resolves.not.toBe(
      "Allowed",
    );
  });
});

describe("agentKnowledgePolicy", () => {
  const agentPolicy = agentKnowledgePolicy(ctx, { knowledgeBaseId: "KBASE01234" });
  it("allows Retrieve on its own knowledge base only", async () => {
    await expect(simulate(agentPolicy, "bedrock:Retrieve", knowledgeBaseArn(ctx, "KBASE01234"))).resolves.toBe("Allowed");
    await expect(simulate(agentPolicy, "bedrock:Retrieve", knowledgeBaseArn(ctx, "OTHERKBASE"))).resolves.not.toBe("Allowed");
    await expect(simulate(agentPolicy, "bedrock:StartIngestionJob", knowledgeBaseArn(ctx, "KBASE01234"))).resolves.not.toBe("Allowed");
  });
});

describe("knowledgeBaseTrustPolicy", () => {
  it("admits Bedrock for a knowledge base of this account and region only (confused deputy)", () => {
    expect(knowledgeBaseTrustPolicy(ctx).Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "bedrock.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": "123456789012" },
          ArnLike: { "aws:SourceArn": "arn:aws:bedrock:us-east-1:123456789012:knowledge-base/*" },
        },
      },
    ]);
  });
});
