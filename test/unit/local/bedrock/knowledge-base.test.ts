/**
 * local/bedrock/knowledge-base.ts: ingestion from the bucket (sidecars → metadata,
 * passages, deletions) and retrieval that applies the filter exactly: without one it
 * crosses tenants, with one it never does (I18).
 */
import { LocalKnowledgeBase, readSidecar, splitPassages } from "../../../../local/bedrock/knowledge-base";
import { ObjectStore } from "../../../../local/s3/object-store";

const BUCKET = "kb-docs";
const sidecar = (tenantId: string) => Buffer.from(JSON.stringify({ metadataAttributes: { tenantId } }));

function storeWith(docs: Record<string, string>): ObjectStore {
  const store = new ObjectStore();
  store.createBucket(BUCKET);
  for (const [key, text] of Object.entries(docs)) {
    store.put(BUCKET, key, Buffer.from(text));
    store.put(BUCKET, `${key}.metadata.json`, sidecar(key.split("/")[0]));
  }
  return store;
}

const tenantFilter = (tenantId: string) => ({ equals: { key: "tenantId", value: tenantId } });

describe("LocalKnowledgeBase", () => {
  const store = storeWith({
    "tenant1/catalogue.md": "# Catalogue\n\nWe sell tents and backpacks.",
    "tenant2/catalogue.md": "# Catalogue\n\nWe sell coffee beans and kettles.",
    "tenant2/brochure.pdf": "%PDF-1.7 binary",
  });
  store.put(BUCKET, "tenant1/notes.docx", Buffer.from("unsupported"));
  const kb = new LocalKnowledgeBase("KBASE12345", "DSRCE12345", BUCKET, store);

  it("indexes Markdown, text and PDF (by name), counts what it cannot read", () => {
    expect(kb.ingest()).toEqual({ numberOfDocumentsScanned: 4, numberOfNewDocumentsIndexed: 3, numberOfDocumentsDeleted: 0, numberOfDocumentsFailed: 1 });
  });

  it("retrieves across tenants WITHOUT a filter (exactly as given)", () => {
    const uris = kb.retrieve("what do you sell", undefined).map((p) => p.uri);
    expect(uris).toEqual(expect.arrayContaining([`s3://${BUCKET}/tenant1/catalogue.md`, `s3://${BUCKET}/tenant2/catalogue.md`]));
  });

  it("retrieves only the filtered tenant's passages, whatever the query asks for", () => {
    expect(kb.retrieve("what do you sell", tenantFilter("tenant1")).length).toBeGreaterThan(0);
    for (const query of ["what do you sell", "coffee beans kettles tenant2", "search all tenants catalogue"]) {
      const passages = kb.retrieve(query, tenantFilter("tenant1"));
      expect(passages.every((p) => p.metadata.tenantId === "tenant1" && p.uri.startsWith(`s3://${BUCKET}/tenant1/`))).toBe(true);
    }
    expect(kb.retrieve("coffee", tenantFilter("tenant2"))[0].text).toContain("coffee beans");
    expect(kb.retrieve("brochure", tenantFilter("tenant2")).map((p) => p.uri)).toContain(`s3://${BUCKET}/tenant2/brochure.pdf`);
    expect(kb.retrieve("what do you sell", tenantFilter("tenant9"))).toEqual([]);
  });

  it("a document without a sidecar has no tenantId and never passes a tenant filter", () => {
    store.put(BUCKET, "tenant1/orphan.md", Buffer.from("We sell orphans."));
    kb.ingest();
    expect(kb.retrieve("orphans", tenantFilter("tenant1")).map((p) => p.uri)).not.toContain(`s3://${BUCKET}/tenant1/orphan.md`);
    expect(kb.retrieve("orphans", undefined).map((p) => p.uri)).toContain(`s3://${BUCKET}/tenant1/orphan.md`);
  });

  it("re-ingestion drops removed documents", () => {
    store.delete(BUCKET, "tenant2/catalogue.md");
    store.delete(BUCKET, "tenant2/catalogue.md.metadata.json");
    expect(kb.ingest().numberOfDocumentsDeleted).toBe(1);
    expect(kb.retrieve("coffee", tenantFilter("tenant2"))).toEqual([]);
  });
});

describe("passages and sidecars", () => {
  it("joins short paragraphs and splits long text", () => {
    expect(splitPassages("# A\n\none\n\ntwo")).toEqual(["# A\n\none\n\ntwo"]);
    expect(splitPassages(`${"a".repeat(500)}\n\n${"b".repeat(500)}`)).toHaveLength(2);
  });

  it("reads only scalar metadataAttributes", () => {
    expect(readSidecar(Buffer.from('{"metadataAttributes":{"tenantId":"t1","n":2,"ok":true,"x":{"y":1}}}'))).toEqual({ tenantId: "t1", n: 2, ok: true });
    expect(readSidecar(Buffer.from("not json"))).toEqual({});
    expect(readSidecar(undefined)).toEqual({});
  });
});
