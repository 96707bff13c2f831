/**
 * The S3 stand-in's storage: buckets of objects in memory (lost at stop, like every
 * local stand-in's data), and the S3 REST XML the four supported operations answer with.
 * No I/O here: `s3.ts` serves it over HTTP.
 */
import { createHash } from "node:crypto";

export interface StoredObject {
  body: Buffer;
  etag: string;
  contentType: string;
  lastModified: Date;
}

export class NoSuchBucketError extends Error {
  override readonly name = "NoSuchBucketError";
  readonly code = "NoSuchBucket";
}

export class ObjectStore {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();

  createBucket(name: string): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  private bucket(name: string): Map<string, StoredObject> {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new NoSuchBucketError(`The specified bucket does not exist: ${name}`);
    return bucket;
  }

  put(bucket: string, key: string, body: Buffer, contentType = "application/octet-stream", now = new Date()): StoredObject {
    const object: StoredObject = {
      body: Buffer.from(body),
      etag: `"${createHash("md5").update(body).digest("hex")}"`,
      contentType,
      lastModified: now,
    };
    this.bucket(bucket).set(key, object);
    return object;
  }

  get(bucket: string, key: string): StoredObject | undefined {
    return this.bucket(bucket).get(key);
  }

  /** S3 answers 204 whether or not the key existed. */
  delete(bucket: string, key: string): void {
    this.bucket(bucket).delete(key);
  }

  /** Keys under `prefix`, in UTF-8 binary order as S3 lists them. */
  list(bucket: string, prefix = ""): Array<[string, StoredObject]> {
    return [...this.bucket(bucket).entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  }
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");

/** ListObjectsV2's answer; one page (up to `maxKeys`), continuation by the last key. */
export function listObjectsV2Xml(
  bucket: string,
  prefix: string,
  entries: ReadonlyArray<[string, StoredObject]>,
  maxKeys: number,
  startAfter?: string,
): string {
  const remaining = startAfter === undefined ? entries : entries.filter(([key]) => key > startAfter);
  const page = remaining.slice(0, maxKeys);
  const truncated = remaining.length > page.length;
  const contents = page
    .map(
      ([key, o]) =>
        `<Contents><Key>${escapeXml(key)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified>` +
        `<ETag>${escapeXml(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    )
    .join("");
  const next = truncated ? `<NextContinuationToken>${escapeXml(Buffer.from(page[page.length - 1][0]).toString("base64"))}</NextContinuationToken>` : "";
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
    `<Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount>` +
    `<MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${next}</ListBucketResult>`
  );
}

export function errorXml(code: string, message: string, resource: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>` +
    `<Resource>${escapeXml(resource)}</Resource><RequestId>local</RequestId></Error>`
  );
}
