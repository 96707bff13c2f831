/**
 * The demo tenants' knowledge documents that ship with the repository
 * (`local/knowledge/demo/<tenantId>/<name>`), seeded into the local knowledge bucket at
 * every start so that "What do you sell?" answers differently for each tenant out of the
 * box. Keys and sidecars are written exactly as the operator CLI writes them (I18).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { documentKey, isDocumentName, metadataKey, metadataSidecar } from "../../lambdas/common/knowledge-documents";
import type { ObjectStore } from "../s3/object-store";

export const DEMO_DOCUMENTS_DIR = join(__dirname, "demo");

/** Put every demo document of the configured tenants, with its sidecar; returns how many. */
export function seedDemoDocuments(store: ObjectStore, bucket: string, tenantIds: readonly string[], dir = DEMO_DOCUMENTS_DIR): number {
  let count = 0;
  for (const tenantId of tenantIds) {
    const tenantDir = join(dir, tenantId);
    if (!existsSync(tenantDir)) continue;
    for (const name of readdirSync(tenantDir).sort()) {
      if (!isDocumentName(name)) continue;
      const key = documentKey(tenantId, name);
      store.put(bucket, key, readFileSync(join(tenantDir, name)), name.endsWith(".md") ? "text/markdown" : "text/plain");
      store.put(bucket, metadataKey(key), Buffer.from(metadataSidecar(tenantId)), "application/json");
      count += 1;
    }
  }
  return count;
}
