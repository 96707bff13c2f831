/**
 * The operator's knowledge documents on any stack (I18): upload a tenant's files under
 * its prefix `<tenantId>/` with the `.metadata.json` sidecar that carries `tenantId`, list
 * and remove them, and start (and wait for) the ingestion job that re-indexes the
 * knowledge base. The operator writes the metadata, never the tenant. Locally the stack's
 * operator keys and stand-in endpoints; on AWS the default credential chain.
 */
import {
  BedrockAgentClient,
  ConflictException,
  GetIngestionJobCommand,
  StartIngestionJobCommand,
  type IngestionJob,
} from "@aws-sdk/client-bedrock-agent";
import { DeleteObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client, HeadObjectCommand, NotFound } from "@aws-sdk/client-s3";
import { readFileSync } from "node:fs";
import { documentKey, metadataKey, metadataSidecar, parseDocumentKey } from "../../lambdas/common/knowledge-documents";
import type { StackOutputs } from "../../local/runtime/stack-outputs";
import type { CheckedFile } from "./arguments";

export class UnknownTenantError extends Error {
  readonly code = "unknown_tenant";
  constructor(tenant: string, known: readonly string[]) {
    super(`unknown tenant ${JSON.stringify(tenant)}: this stack's tenants are ${known.join(", ")}`);
    this.name = "UnknownTenantError";
  }
}

export class NoSuchDocumentError extends Error {
  readonly code = "no_such_document";
  constructor(tenant: string, name: string) {
    super(`tenant ${tenant} has no document named ${name} (see: npm run knowledge -- list --tenant ${tenant})`);
    this.name = "NoSuchDocumentError";
  }
}

export class IngestionError extends Error {
  readonly code = "ingestion_failed";
  constructor(message: string) {
    super(message);
    this.name = "IngestionError";
  }
}

export interface KnowledgeContext {
  outputs: StackOutputs;
  s3: S3Client;
  agent: BedrockAgentClient;
  sleep(ms: number): Promise<void>;
  destroy(): void;
}

export function knowledgeContext(outputs: StackOutputs): KnowledgeContext {
  const credentials = outputs.adminCredentials
    ? { accessKeyId: outputs.adminCredentials.accessKeyId, secretAccessKey: outputs.adminCredentials.secretAccessKey }
    : undefined; // AWS: the default credential chain of the operator
  const common = { region: outputs.region, ...(credentials ? { credentials } : {}) };
  const s3 = new S3Client({
    ...common,
    ...(outputs.endpoints?.s3 ? { endpoint: outputs.endpoints.s3, forcePathStyle: true } : {}),
    // Checksums only where S3 requires them: the body hash in the signature covers integrity.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const agent = new BedrockAgentClient({ ...common, endpoint: outputs.endpoints?.bedrockAgent });
  return {
    outputs,
    s3,
    agent,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    destroy: () => {
      s3.destroy();
      agent.destroy();
    },
  };
}

export function stackTenants(outputs: StackOutputs): string[] {
  return Object.keys(outputs.ordersTableNames).sort();
}

export function requireTenant(outputs: StackOutputs, tenant: string): void {
  const known = stackTenants(outputs);
  if (!known.includes(tenant)) throw new UnknownTenantError(tenant, known);
}

export interface DocumentEntry {
  tenantId: string;
  name: string;
  size: number;
  lastModified?: Date;
}

/** Upload each file and its sidecar; the caller has checked them (arguments.ts `checkFile`). */
export async function putDocuments(c: KnowledgeContext, tenant: string, files: readonly CheckedFile[], read = readFileSync): Promise<string[]> {
  requireTenant(c.outputs, tenant);
  const bucket = c.outputs.knowledgeBucketName;
  for (const file of files) {
    const key = documentKey(tenant, file.name);
    await c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: read(file.path), ContentType: file.contentType }));
    await c.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: metadataKey(key), Body: metadataSidecar(tenant), ContentType: "application/json" }),
    );
  }
  return files.map((f) => f.name);
}

/** Upload text as a document (tests plant canaries with it). */
export async function putTextDocument(c: KnowledgeContext, tenant: string, name: string, text: string): Promise<void> {
  requireTenant(c.outputs, tenant);
  const key = documentKey(tenant, name);
  const bucket = c.outputs.knowledgeBucketName;
  await c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text, ContentType: "text/markdown; charset=utf-8" }));
  await c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: metadataKey(key), Body: metadataSidecar(tenant), ContentType: "application/json" }));
}

export async function listDocuments(c: KnowledgeContext, tenant?: string): Promise<DocumentEntry[]> {
  if (tenant !== undefined) requireTenant(c.outputs, tenant);
  const entries: DocumentEntry[] = [];
  let token: string | undefined;
  do {
    const page = await c.s3.send(
      new ListObjectsV2Command({ Bucket: c.outputs.knowledgeBucketName, Prefix: tenant === undefined ? undefined : `${tenant}/`, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      const parts = object.Key === undefined ? undefined : parseDocumentKey(object.Key);
      if (!parts) continue; // sidecars and anything the CLI did not write
      entries.push({ ...parts, size: object.Size ?? 0, ...(object.LastModified ? { lastModified: object.LastModified } : {}) });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return entries;
}

export async function removeDocument(c: KnowledgeContext, tenant: string, name: string): Promise<void> {
  requireTenant(c.outputs, tenant);
  const bucket = c.outputs.knowledgeBucketName;
  const key = documentKey(tenant, name);
  try {
    await c.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (error instanceof NotFound || error instanceof NoSuchKey || (error as { name?: string }).name === "NotFound") {
      throw new NoSuchDocumentError(tenant, name);
    }
    throw error;
  }
  await c.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  await c.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: metadataKey(key) }));
}

/** How long `ingest` waits for a job (AWS embeds every changed document: minutes for many). */
export const INGESTION_TIMEOUT_MS = 15 * 60 * 1000;
const POLL_MS = 5000;

/**
 * Start an ingestion job and wait until it ends. Only one job runs per data source at a
 * time: while another runs (ConflictException), wait and start again, so the documents
 * just written are indexed by a job that began after they were.
 */
export async function ingest(c: KnowledgeContext, timeoutMs = INGESTION_TIMEOUT_MS, now = Date.now): Promise<IngestionJob> {
  const ids = { knowledgeBaseId: c.outputs.knowledgeBaseId, dataSourceId: c.outputs.knowledgeDataSourceId };
  const deadline = now() + timeoutMs;
  let started: IngestionJob | undefined;
  while (!started) {
    try {
      started = (await c.agent.send(new StartIngestionJobCommand({ ...ids, description: "npm run knowledge" }))).ingestionJob;
      if (!started) throw new IngestionError("StartIngestionJob answered without a job");
    } catch (error) {
      if (!(error instanceof ConflictException) || now() > deadline) throw error;
      await c.sleep(POLL_MS);
    }
  }
  let job: IngestionJob = started;
  while (job.status === "STARTING" || job.status === "IN_PROGRESS" || job.status === "STOPPING") {
    if (now() > deadline) throw new IngestionError(`ingestion job ${job.ingestionJobId} still ${job.status} after ${Math.round(timeoutMs / 1000)} s`);
    await c.sleep(POLL_MS);
    const current: IngestionJob | undefined = (await c.agent.send(new GetIngestionJobCommand({ ...ids, ingestionJobId: job.ingestionJobId }))).ingestionJob;
    if (!current) throw new IngestionError(`ingestion job ${job.ingestionJobId} vanished`);
    job = current;
  }
  if (job.status !== "COMPLETE") {
    const reasons = (job.failureReasons ?? []).slice(0, 3).join("; ");
    throw new IngestionError(`ingestion job ${job.ingestionJobId} ended ${job.status}${reasons ? `: ${reasons}` : ""}`);
  }
  return job;
}
