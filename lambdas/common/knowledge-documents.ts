/**
 * Where a tenant's knowledge documents live and how they are named (I18 of
 * docs/architecture.md): one definition for the operator CLI that writes them, the
 * chat function that reads citations back, the Pulumi program and the local stand-ins.
 *
 * A document is the object `<tenantId>/<name>` in the stage's knowledge bucket; its
 * sidecar `<tenantId>/<name>.metadata.json` carries `{"metadataAttributes":{"tenantId":…}}`,
 * the attribute the chat function's retrieval filter matches. The operator CLI writes
 * both; no tenant ever writes either.
 */
import { TENANT_ID_PATTERN } from "./identifiers";

/** The metadata attribute every document carries and every retrieval filters on. */
export const TENANT_METADATA_KEY = "tenantId";

/** Bedrock's sidecar suffix for an S3 data source's per-document metadata. */
export const METADATA_SUFFIX = ".metadata.json";

/**
 * A document's name: what the page shows as a citation, so plain and short. No `/`
 * (one level under the tenant prefix), no leading dot, no metadata suffix.
 */
export const DOCUMENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function isDocumentName(value: unknown): value is string {
  return typeof value === "string" && DOCUMENT_NAME_PATTERN.test(value) && !value.endsWith(METADATA_SUFFIX);
}

/** `<tenantId>/<name>`: the per-tenant prefix is part of every key. */
export function documentKey(tenantId: string, name: string): string {
  if (!TENANT_ID_PATTERN.test(tenantId)) throw new TypeError("documentKey: not a tenant id");
  if (!isDocumentName(name)) throw new TypeError("documentKey: not a document name");
  return `${tenantId}/${name}`;
}

export function metadataKey(documentObjectKey: string): string {
  return `${documentObjectKey}${METADATA_SUFFIX}`;
}

/** The sidecar's JSON: Bedrock reads `metadataAttributes` into each chunk's metadata. */
export function metadataSidecar(tenantId: string): string {
  return JSON.stringify({ metadataAttributes: { [TENANT_METADATA_KEY]: tenantId } });
}

/** `<tenantId>/<name>` → its parts, or undefined for anything else (sidecars included). */
export function parseDocumentKey(key: string): { tenantId: string; name: string } | undefined {
  const slash = key.indexOf("/");
  if (slash === -1) return undefined;
  const tenantId = key.slice(0, slash);
  const name = key.slice(slash + 1);
  return TENANT_ID_PATTERN.test(tenantId) && isDocumentName(name) ? { tenantId, name } : undefined;
}

/** `s3://<bucket>/<tenantId>/<name>` → its parts, or undefined. */
export function parseDocumentUri(uri: unknown): { bucket: string; tenantId: string; name: string } | undefined {
  if (typeof uri !== "string") return undefined;
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(uri);
  if (!match) return undefined;
  const parts = parseDocumentKey(match[2]);
  return parts && { bucket: match[1], ...parts };
}
