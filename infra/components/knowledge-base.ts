/**
 * The stage's knowledge base (I18): one Bedrock knowledge base over one S3 data source,
 * pooled for every tenant and isolated by metadata. Documents live in a private bucket
 * under `<tenantId>/` with `.metadata.json` sidecars carrying `tenantId` (written by the
 * operator CLI); vectors live in S3 Vectors, which costs nothing while idle (storage and
 * per-query charges only: docs/architecture.md §Knowledge base). The chat function filters
 * every retrieval to the caller's tenant; this component only builds the store.
 *
 * Checked 2026-12-02: @pulumi/aws 7.48 `aws.bedrock.AgentKnowledgeBase` takes storage type
 * `S3_VECTORS` with `s3VectorsConfiguration.indexArn`; `aws.s3.VectorsVectorBucket` and
 * `aws.s3.VectorsIndex` exist; Titan Text Embeddings V2 (`amazon.titan-embed-text-v2:0`,
 * 1,024 dimensions) is an active embedding model.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ChildNames } from "./child-names";
import { policyJson } from "../aws-context";
import type { StackNames } from "../naming";
import { foundationModelArn, knowledgeBaseRolePolicy, knowledgeBaseTrustPolicy, type AwsContext } from "../policies";

/** Titan Text Embeddings V2 (active, checked 2026-12-02); its vectors have 1,024 dimensions. */
export const EMBEDDING_MODEL_ID = "amazon.titan-embed-text-v2:0";
export const EMBEDDING_DIMENSIONS = 1024;
export const VECTOR_INDEX_NAME = "documents";
/**
 * S3 Vectors allows 2 KB of filterable metadata per vector: Bedrock's chunk text and its
 * own metadata must be non-filterable, which leaves `tenantId` filterable.
 */
export const NON_FILTERABLE_METADATA_KEYS = ["AMAZON_BEDROCK_TEXT", "AMAZON_BEDROCK_METADATA"];

export interface KnowledgeBaseArgs {
  ctx: pulumi.Input<AwsContext>;
  names: StackNames;
}

export class TenantKnowledgeBase extends pulumi.ComponentResource {
  readonly documents: aws.s3.Bucket;
  readonly knowledgeBase: aws.bedrock.AgentKnowledgeBase;
  readonly dataSource: aws.bedrock.AgentDataSource;
  readonly role: aws.iam.Role;

  constructor(name: string, args: KnowledgeBaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mta:infra:TenantKnowledgeBase", name, {}, opts);
    const child = new ChildNames(this, name, "knowledge");
    
    // Private, owner-enforced, encrypted with S3-managed keys (no KMS cost). Only the
    // operator writes (their own credentials); the knowledge base role only reads.
    this.documents = new aws.s3.Bucket(child.name("documents"), { forceDestroy: true }, child.opts("documents", "knowledge-documents"));
    new aws.s3.BucketPublicAccessBlock(
      child.name("documents-private"),
      { bucket: this.documents.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      child.opts("documents-private", "knowledge-documents-private"),
    );
    new aws.s3.BucketOwnershipControls(child.name("documents-owner"), { bucket: this.documents.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, child.opts("documents-owner", "knowledge-documents-owner"));

    const vectors = new aws.s3.VectorsVectorBucket(child.name("vectors"), { vectorBucketName: args.names.vectorBucket, forceDestroy: true }, child.opts("vectors", "knowledge-vectors"));
    const index = new aws.s3.VectorsIndex(
      child.name("index"),
      {
        vectorBucketName: vectors.vectorBucketName,
        indexName: VECTOR_INDEX_NAME,
        dataType: "float32",
        dimension: EMBEDDING_DIMENSIONS,
        distanceMetric: "cosine",
        metadataConfiguration: { nonFilterableMetadataKeys: NON_FILTERABLE_METADATA_KEYS },
      },
      child.opts("index", "knowledge-index"),
    );

    this.role = new aws.iam.Role(
      child.name("base-role"),
      { name: args.names.roleName("knowledge-base"), assumeRolePolicy: policyJson(args.ctx, (ctx) => knowledgeBaseTrustPolicy(ctx)) },
      child.opts("base-role", "knowledge-base-role"),
    );
    const rolePolicy = new aws.iam.RolePolicy(
      child.name("base-policy"),
      {
        role: this.role.id,
        name: "documents-and-vectors",
        policy: policyJson(pulumi.all([args.ctx, this.documents.bucket, vectors.vectorBucketName]), ([ctx, bucket, vectorBucket]) =>
          knowledgeBaseRolePolicy(ctx, {
            embeddingModelId: EMBEDDING_MODEL_ID,
            documentBucketName: bucket,
            vectorBucketName: vectorBucket,
            indexName: VECTOR_INDEX_NAME,
          }),
        ),
      },
      child.opts("base-policy", "knowledge-base-policy"),
    );

    this.knowledgeBase = new aws.bedrock.AgentKnowledgeBase(
      child.name("base"),
      {
        name: args.names.knowledgeBase,
        description: "Tenant documents; every retrieval is filtered to one tenantId (I18)",
        roleArn: this.role.arn,
        knowledgeBaseConfiguration: {
          type: "VECTOR",
          vectorKnowledgeBaseConfiguration: {
            embeddingModelArn: pulumi.output(args.ctx).apply((ctx) => foundationModelArn(ctx, EMBEDDING_MODEL_ID)),
            embeddingModelConfiguration: {
              bedrockEmbeddingModelConfiguration: { dimensions: EMBEDDING_DIMENSIONS, embeddingDataType: "FLOAT32" },
            },
          },
        },
        storageConfiguration: { type: "S3_VECTORS", s3VectorsConfiguration: { indexArn: index.indexArn } },
      },
      child.opts("base", "knowledge-base", { dependsOn: [rolePolicy] }),
    );

    this.dataSource = new aws.bedrock.AgentDataSource(
      child.name("documents-source"),
      {
        knowledgeBaseId: this.knowledgeBase.id,
        name: "tenant-documents",
        // Removing a document (or the data source) removes its vectors too.
        dataDeletionPolicy: "DELETE",
        dataSourceConfiguration: { type: "S3", s3Configuration: { bucketArn: this.documents.arn } },
      },
      child.opts("documents-source", "knowledge-documents-source"),
    );

    this.registerOutputs({
      knowledgeBucketName: this.documents.bucket,
      knowledgeBaseId: this.knowledgeBase.id,
      knowledgeDataSourceId: this.dataSource.dataSourceId,
    });
  }
}
