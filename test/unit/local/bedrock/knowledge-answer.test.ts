/** local/bedrock/knowledge-answer.ts: when the agent searches, which filter it uses, and the cited answer. */
import { renderKnowledgeAnswer, retrievalFor, wantsKnowledge } from "../../../../local/bedrock/knowledge-answer";
import { RetrievalFilterError } from "../../../../local/bedrock/retrieval-filter";

const KB = "KBASE12345";
const passage = (tenant: string, name: string, text: string) => ({
  text,
  uri: `s3://kb-docs/${tenant}/${name}`,
  metadata: { tenantId: tenant },
  score: 1,
});

describe("wantsKnowledge", () => {
  it("searches for catalogue, shipping and FAQ questions, and when nothing else answers", () => {
    const fallback = { kind: "reply" as const, text: "Sorry, I can't help with that." };
    const greeting = { kind: "reply" as const, text: "Hello!" };
    expect(wantsKnowledge("What do you sell?", greeting)).toBe(true);
    expect(wantsKnowledge("How long does shipping take?", greeting)).toBe(true);
    expect(wantsKnowledge("Tell me about tents", fallback)).toBe(true);
    expect(wantsKnowledge("Hello", greeting)).toBe(false);
  });
});

describe("retrievalFor", () => {
  it("takes the filter and result count of this knowledge base's configuration, exactly", () => {
    const filter = { equals: { key: "tenantId", value: "tenant1" } };
    expect(retrievalFor([{ knowledgeBaseId: KB, retrievalConfiguration: { vectorSearchConfiguration: { filter, numberOfResults: 3 } } }], KB)).toEqual({
      filter,
      numberOfResults: 3,
    });
    expect(retrievalFor(undefined, KB)).toEqual({ numberOfResults: 5 });
    expect(retrievalFor([{ knowledgeBaseId: KB }], KB)).toEqual({ numberOfResults: 5 });
  });

  it("refuses another knowledge base and a malformed filter", () => {
    expect(() => retrievalFor([{ knowledgeBaseId: "OTHERKBASE" }], KB)).toThrow(TypeError);
    expect(() =>
      retrievalFor([{ knowledgeBaseId: KB, retrievalConfiguration: { vectorSearchConfiguration: { filter: { prefix: "t" } } } }], KB),
    ).toThrow(RetrievalFilterError);
  });
});

describe("renderKnowledgeAnswer", () => {
  it("answers from the passages, names the sources and cites them as the event stream does", () => {
    const answer = renderKnowledgeAnswer([passage("tenant1", "catalogue.md", "# Catalogue\nWe sell tents.")], "honest");
    expect(answer.text).toBe("From your company's documents:\nCatalogue We sell tents.\n(Sources: catalogue.md)");
    const citation = answer.attribution?.citations[0];
    expect(citation?.retrievedReferences[0].location).toEqual({ type: "S3", s3Location: { uri: "s3://kb-docs/tenant1/catalogue.md" } });
    const span = citation!.generatedResponsePart.textResponsePart.span;
    expect(answer.text.slice(span.start, span.end + 1)).toBe("Catalogue We sell tents.");
  });

  it("says so when nothing was found, citing nothing", () => {
    expect(renderKnowledgeAnswer([], "honest")).toEqual({ text: "I found nothing about that in your company's documents." });
  });

  it("compromised: repeats every passage verbatim (only what the filter let through)", () => {
    const passages = [1, 2, 3, 4].map((i) => passage("tenant1", `d${i}.md`, `text ${i}`));
    const answer = renderKnowledgeAnswer(passages, "compromised");
    for (const i of [1, 2, 3, 4]) expect(answer.text).toContain(`text ${i}`);
    expect(answer.attribution?.citations[0].retrievedReferences).toHaveLength(4);
  });
});
