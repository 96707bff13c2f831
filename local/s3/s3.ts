/**
 * Local stand-in for Amazon S3, just what the knowledge documents need (I18):
 * PutObject, GetObject, HeadObject, DeleteObject and ListObjectsV2 on path-style URLs
 * (`/<bucket>/<key>`), each SigV4-verified for `s3` and IAM-evaluated against the
 * caller's policies (`s3:PutObject`/`GetObject`/`DeleteObject` on the object ARN,
 * (HeadObject as `s3:GetObject`), `s3:ListBucket` on the bucket ARN with `s3:prefix`), as on AWS (I14). Errors are S3's
 * XML errors, so the SDK raises NoSuchKey, NoSuchBucket, AccessDenied.
 */
import * as http from "node:http";
import type { AwsContext } from "../../infra/policies";
import type { CredentialRegistry } from "../iam/credentials";
import { authorizeIam } from "../iam/policy-evaluation";
import { verifySigV4 } from "../iam/sigv4-verify";
import { LocalAwsError, readBody, readRawRequest } from "../runtime/aws-request";
import { close, listen } from "../runtime/listen";
import { errorXml, listObjectsV2Xml, NoSuchBucketError, ObjectStore } from "./object-store";

/** Local limit on one object (the knowledge CLI refuses far smaller files). */
export const MAX_OBJECT_BYTES = 16 * 1024 * 1024;

export interface S3Options {
  port: number;
  ctx: AwsContext;
  registry: CredentialRegistry;
  store: ObjectStore;
}

export interface S3Server {
  url: string;
  close(): Promise<void>;
}

export function objectArn(ctx: AwsContext, bucket: string, key: string): string {
  return `arn:${ctx.partition}:s3:::${bucket}/${key}`;
}

export function bucketArn(ctx: AwsContext, bucket: string): string {
  return `arn:${ctx.partition}:s3:::${bucket}`;
}

/** Pure: `/bucket/some/key` → bucket and decoded key (undefined key: a bucket-level request). */
export function parseS3Path(rawPath: string): { bucket: string; key?: string } | undefined {
  const match = /^\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(rawPath);
  if (!match) return undefined;
  if (match[2] === undefined || match[2] === "") return { bucket: match[1] };
  try {
    return { bucket: match[1], key: decodeURIComponent(match[2]) };
  } catch {
    return undefined;
  }
}

export async function startS3(o: S3Options): Promise<S3Server> {
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const e = error instanceof LocalAwsError ? error : new LocalAwsError(500, "InternalError", "internal error in the local S3");
      // S3 names its access denial AccessDenied (403), not AccessDeniedException.
      const code = e.code === "AccessDeniedException" ? "AccessDenied" : e.code;
      send(res, e.status, errorXml(code, e.message, req.url ?? "/"));
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_OBJECT_BYTES);
    const raw = readRawRequest(req, body);
    const caller = await verifySigV4(raw, o.registry, { service: "s3", uriEscapePath: false });
    const target = parseS3Path(raw.rawPath);
    if (!target) throw new LocalAwsError(400, "InvalidURI", "path-style requests only: /<bucket>/<key>");
    const { bucket, key } = target;
    const query = new URLSearchParams(raw.query);
    const denied = { status: 403, code: "AccessDenied" };
    try {
      if (key === undefined) {
        if (raw.method !== "GET" || query.get("list-type") !== "2") {
          throw new LocalAwsError(501, "NotImplemented", "only ListObjectsV2 is supported on a bucket");
        }
        const prefix = query.get("prefix") ?? "";
        await authorizeIam(caller, { action: "s3:ListBucket", resourceArn: bucketArn(o.ctx, bucket), context: { "s3:prefix": prefix } }, denied);
        const maxKeys = Math.min(Math.max(Number(query.get("max-keys") ?? 1000) || 1000, 1), 1000);
        const token = query.get("continuation-token");
        const startAfter = token ? Buffer.from(token, "base64").toString("utf8") : (query.get("start-after") ?? undefined);
        return send(res, 200, listObjectsV2Xml(bucket, prefix, o.store.list(bucket, prefix), maxKeys, startAfter));
      }
      const resourceArn = objectArn(o.ctx, bucket, key);
      switch (raw.method) {
        case "PUT": {
          if (raw.headers["x-amz-copy-source"] !== undefined) throw new LocalAwsError(501, "NotImplemented", "CopyObject is not supported");
          await authorizeIam(caller, { action: "s3:PutObject", resourceArn }, denied);
          const stored = o.store.put(bucket, key, body, raw.headers["content-type"]);
          res.writeHead(200, { etag: stored.etag, "content-length": 0 });
          return void res.end();
        }
        case "GET":
        case "HEAD": {
          // HeadObject is authorized as s3:GetObject, as on AWS.
          await authorizeIam(caller, { action: "s3:GetObject", resourceArn }, denied);
          const object = o.store.get(bucket, key);
          if (!object) {
            if (raw.method === "HEAD") return void res.writeHead(404).end();
            throw new LocalAwsError(404, "NoSuchKey", "The specified key does not exist.");
          }
          res.writeHead(200, {
            "content-type": object.contentType,
            "content-length": object.body.length,
            etag: object.etag,
            "last-modified": object.lastModified.toUTCString(),
          });
          return void res.end(raw.method === "HEAD" ? undefined : object.body);
        }
        case "DELETE": {
          await authorizeIam(caller, { action: "s3:DeleteObject", resourceArn }, denied);
          o.store.delete(bucket, key);
          res.writeHead(204);
          return void res.end();
        }
        default:
          throw new LocalAwsError(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
      }
    } catch (error) {
      if (error instanceof NoSuchBucketError) throw new LocalAwsError(404, "NoSuchBucket", "The specified bucket does not exist");
      throw error;
    }
  }

  const port = await listen(server, o.port, "s3");
  return { url: `http://127.0.0.1:${port}`, close: () => close(server) };
}

function send(res: http.ServerResponse, status: number, xml: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { "content-type": "application/xml", "content-length": Buffer.byteLength(xml) });
  res.end(xml);
}
