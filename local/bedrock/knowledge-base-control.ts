/**
 * Local stand-in for the Bedrock agent control plane (`bedrock-agent`), just the part
 * the knowledge CLI uses: StartIngestionJob and GetIngestionJob (REST JSON), SigV4 for
 * `bedrock` and IAM on the knowledge base's ARN (I14). An ingestion job re-indexes the
 * data source's bucket at once (knowledge-base.ts) and is COMPLETE when it answers; on
 * AWS the job starts and the caller polls GetIngestionJob.
 */
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import { knowledgeBaseArn, type AwsContext } from "../../infra/policies";
import type { CredentialRegistry } from "../iam/credentials";
import { authorizeIam } from "../iam/policy-evaluation";
import { verifySigV4 } from "../iam/sigv4-verify";
import { LocalAwsError, readBody, readRawRequest } from "../runtime/aws-request";
import { close, listen } from "../runtime/listen";
import type { IngestionStatistics, LocalKnowledgeBase } from "./knowledge-base";

export interface KnowledgeBaseControlOptions {
  port: number;
  ctx: AwsContext;
  registry: CredentialRegistry;
  knowledgeBase: LocalKnowledgeBase;
}

export interface KnowledgeBaseControl {
  url: string;
  close(): Promise<void>;
}

interface IngestionJob {
  knowledgeBaseId: string;
  dataSourceId: string;
  ingestionJobId: string;
  status: "COMPLETE";
  statistics: IngestionStatistics;
  startedAt: string;
  updatedAt: string;
}

const JOBS_ROUTE = /^\/knowledgebases\/([^/]+)\/datasources\/([^/]+)\/ingestionjobs\/?([^/]*)$/;
/** Jobs kept for GetIngestionJob (oldest dropped first). */
const MAX_JOBS = 100;

export async function startKnowledgeBaseControl(o: KnowledgeBaseControlOptions): Promise<KnowledgeBaseControl> {
  const jobs = new Map<string, IngestionJob>();
  const kb = o.knowledgeBase;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const e = error instanceof LocalAwsError ? error : new LocalAwsError(500, "InternalServerException", "internal error in the local bedrock-agent");
      sendJson(res, e.status, { message: e.message }, e.code);
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = readRawRequest(req, await readBody(req, 64 * 1024));
    const caller = await verifySigV4(raw, o.registry, { service: "bedrock" });
    const route = JOBS_ROUTE.exec(raw.rawPath);
    if (!route) throw new LocalAwsError(404, "UnknownOperationException", "unknown operation");
    const [knowledgeBaseId, dataSourceId, jobId] = route.slice(1).map(decodeURIComponent);
    const start = raw.method === "PUT" && jobId === "";
    const get = raw.method === "GET" && jobId !== "";
    if (!start && !get) throw new LocalAwsError(404, "UnknownOperationException", "unknown operation");
    await authorizeIam(
      caller,
      { action: start ? "bedrock:StartIngestionJob" : "bedrock:GetIngestionJob", resourceArn: knowledgeBaseArn(o.ctx, knowledgeBaseId) },
      { status: 403, code: "AccessDeniedException" },
    );
    if (knowledgeBaseId !== kb.knowledgeBaseId || dataSourceId !== kb.dataSourceId) {
      throw new LocalAwsError(404, "ResourceNotFoundException", `data source ${dataSourceId} of knowledge base ${knowledgeBaseId} not found`);
    }
    if (get) {
      const job = jobs.get(jobId);
      if (!job) throw new LocalAwsError(404, "ResourceNotFoundException", `ingestion job ${jobId} not found`);
      return sendJson(res, 200, { ingestionJob: job });
    }
    const now = new Date().toISOString();
    const job: IngestionJob = {
      knowledgeBaseId,
      dataSourceId,
      ingestionJobId: randomUUID().replace(/-/g, "").slice(0, 10).toUpperCase(),
      status: "COMPLETE",
      statistics: kb.ingest(),
      startedAt: now,
      updatedAt: now,
    };
    jobs.set(job.ingestionJobId, job);
    if (jobs.size > MAX_JOBS) jobs.delete(jobs.keys().next().value as string);
    sendJson(res, 202, { ingestionJob: job });
  }

  const port = await listen(server, o.port, "bedrockAgent");
  return { url: `http://127.0.0.1:${port}`, close: () => close(server) };
}

function sendJson(res: http.ServerResponse, status: number, body: object, errorType?: string): void {
  if (res.headersSent) return void res.end();
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
    ...(errorType ? { "x-amzn-errortype": errorType } : {}),
  });
  res.end(text);
}
