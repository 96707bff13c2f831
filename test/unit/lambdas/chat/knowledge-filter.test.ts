/** lambdas/chat/knowledge-filter.ts: the one retrieval filter (I18) and the citations the client may see. */
import { citedDocuments, knowledgeBaseConfigurations, MAX_CITED_DOCUMENTS } from "../../../../lambdas/chat/knowledge-filter";

const ref = (uri: string) => ({ location: { type: "S3" as const, s3Location: { uri } } });

describe("knowledgeBaseConfigurations", () => {
  it("is exactly one configuration filtering tenantId to the given tenant", () => {
    expect(knowledgeBaseConfigurations("KBASE12345", "tenant2")).toEqual([
      {
        knowledgeBaseId: "KBASE12345",
        retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 5, filter: { equals: { key: "tenantId", value: "tenant2" } } } },
      },
    ]);
  });

  it.each(["", "*", "tenant1 OR 1=1", "Tenant1", "../tenant2", "a".repeat(40)])("refuses to build a filter from %j", (tenant) => {
    expect(() => knowledgeBaseConfigurations("KBASE12345", tenant)).toThrow(TypeError);
  });
});

describe("citedDocuments", () => {
  it("keeps names of the caller's tenant's S3 documents, in order, without duplicates", () => {
    const attribution = {
      citations: [
        { retrievedReferences: [ref("s3://docs-bucket/tenant1/catalogue.md"), ref("s3://docs-bucket/tenant1/faq.txt")] },
        { retrievedReferences: [ref("s3://docs-bucket/tenant1/catalogue.md")] },
      ],
    };
    expect(citedDocuments(attribution, "tenant1")).toEqual(["catalogue.md", "faq.txt"]);
  });

  it("drops other tenants' documents, sidecars, nested paths, non-S3 and malformed references", () => {
    const attribution = {
      citations: [
        {
          retrievedReferences: [
            ref("s3://docs-bucket/tenant2/catalogue.md"),
            ref("s3://docs-bucket/tenant1/catalogue.md.metadata.json"),
            ref("s3://docs-bucket/tenant1/a/b.md"),
            ref("s3://docs-bucket/tenant1/<script>.md"),
            ref("https://example.com/tenant1/x.md"),
            { location: { type: "WEB" as const, webLocation: { url: "https://example.com" } } },
            {},
          ],
        },
        {},
      ],
    };
    expect(citedDocuments(attribution, "tenant1")).toEqual([]);
    expect(citedDocuments(undefined, "tenant1")).toEqual([]);
  });

  it("keeps at most MAX_CITED_DOCUMENTS names", () => {
    const refs = Array.from({ length: MAX_CITED_DOCUMENTS + 5 }, (_, i) => ref(`s3://docs-bucket/tenant1/doc-${i}.md`));
    expect(citedDocuments({ citations: [{ retrievedReferences: refs }] }, "tenant1")).toHaveLength(MAX_CITED_DOCUMENTS);
  });
});
