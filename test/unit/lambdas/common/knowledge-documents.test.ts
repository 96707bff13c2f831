/** lambdas/common/knowledge-documents.ts: per-tenant keys, sidecars and the names citations may carry (I18). */
import {
  documentKey,
  isDocumentName,
  metadataKey,
  metadataSidecar,
  parseDocumentKey,
  parseDocumentUri,
} from "../../../../lambdas/common/knowledge-documents";

describe("knowledge document names and keys", () => {
  it("accepts plain file names", () => {
    for (const name of ["catalogue.md", "FAQ-2026.txt", "price_list.pdf", "a"]) expect(isDocumentName(name)).toBe(true);
  });

  it("refuses paths, dot files, sidecars, markup and long names", () => {
    for (const name of ["../x.md", "a/b.md", ".env", "x.md.metadata.json", "<b>.md", "a b.md", "", "a".repeat(101), 42]) {
      expect(isDocumentName(name)).toBe(false);
    }
  });

  it("puts every document under its tenant's prefix, with a sidecar naming the tenant", () => {
    const key = documentKey("tenant2", "catalogue.md");
    expect(key).toBe("tenant2/catalogue.md");
    expect(metadataKey(key)).toBe("tenant2/catalogue.md.metadata.json");
    expect(JSON.parse(metadataSidecar("tenant2"))).toEqual({ metadataAttributes: { tenantId: "tenant2" } });
    expect(() => documentKey("Tenant 2", "catalogue.md")).toThrow(TypeError);
    expect(() => documentKey("tenant2", "../catalogue.md")).toThrow(TypeError);
  });

  it("parses keys and URIs back, and nothing else", () => {
    expect(parseDocumentKey("tenant1/faq.txt")).toEqual({ tenantId: "tenant1", name: "faq.txt" });
    expect(parseDocumentKey("tenant1/faq.txt.metadata.json")).toBeUndefined();
    expect(parseDocumentKey("faq.txt")).toBeUndefined();
    expect(parseDocumentUri("s3://my-bucket/tenant1/faq.txt")).toEqual({ bucket: "my-bucket", tenantId: "tenant1", name: "faq.txt" });
    expect(parseDocumentUri("s3://my-bucket/tenant1/x/faq.txt")).toBeUndefined();
    expect(parseDocumentUri(undefined)).toBeUndefined();
  });
});
