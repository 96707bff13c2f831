/**
 * The local agent's use of its knowledge base, beside the tool planner
 * (agent-planner.ts): whether a turn consults the knowledge base, the retrieval
 * configuration the request's session state gives for it, and the answer written ONLY
 * from the passages retrieved, with their sources cited in the text and as the
 * event stream's `attribution.citations`. Pure.
 *
 * The compromised mode repeats every retrieved passage verbatim, like an injected model
 * would; it still cannot change the filter, which comes from the session state and never
 * from the prompt (I18).
 */
import { parseRetrievalFilter, type RetrievalFilter } from "./retrieval-filter";
import type { RetrievedPassage } from "./knowledge-base";
import type { AgentMode, TurnPlan } from "./agent-planner";

/** Questions about the company's own documents: catalogue, products, shipping, FAQ. */
const KNOWLEDGE_TOPICS =
  /\b(sell|sells|selling|catalog(ue)?s?|products?|items? (do|you)|offer|range|stock|ship(ping)?|deliver(y|ies)?|faq|warrant(y|ies)|guarantee|documents?|knowledge|manuals?|brochures?|price list|opening hours|contact)\b/i;

export function wantsKnowledge(prompt: string, plan: TurnPlan): boolean {
  if (KNOWLEDGE_TOPICS.test(prompt)) return true;
  // Nothing else answers it: the knowledge base may.
  return plan.kind === "reply" && plan.text.startsWith("Sorry, I can't help");
}

export interface KnowledgeRetrieval {
  filter?: RetrievalFilter;
  numberOfResults: number;
}

/**
 * The retrieval configuration for `knowledgeBaseId` in the request's
 * `knowledgeBaseConfigurations` (none: unfiltered, Bedrock's default of 5 results).
 * Throws RetrievalFilterError for a malformed filter, and for a configuration naming a
 * knowledge base this agent does not have.
 */
export function retrievalFor(configurations: unknown, knowledgeBaseId: string): KnowledgeRetrieval {
  if (configurations === undefined) return { numberOfResults: 5 };
  if (!Array.isArray(configurations)) throw new TypeError("knowledgeBaseConfigurations must be a list");
  let found: KnowledgeRetrieval = { numberOfResults: 5 };
  for (const c of configurations as Array<Record<string, unknown>>) {
    if (typeof c !== "object" || c === null) throw new TypeError("knowledgeBaseConfigurations[] must be objects");
    if (c.knowledgeBaseId !== knowledgeBaseId) {
      throw new TypeError(`knowledge base ${String(c.knowledgeBaseId).slice(0, 20)} is not associated with this agent`);
    }
    const vector = (c.retrievalConfiguration as { vectorSearchConfiguration?: Record<string, unknown> } | undefined)?.vectorSearchConfiguration;
    const n = vector?.numberOfResults;
    found = {
      numberOfResults: typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 100 ? n : 5,
      ...(vector?.filter === undefined ? {} : { filter: parseRetrievalFilter(vector.filter) }),
    };
  }
  return found;
}

export interface KnowledgeAnswer {
  text: string;
  /** InvokeAgent's PayloadPart.attribution, as the service shapes it. */
  attribution?: { citations: Citation[] };
}

interface Citation {
  generatedResponsePart: { textResponsePart: { text: string; span: { start: number; end: number } } };
  retrievedReferences: Array<{
    content: { type: "TEXT"; text: string };
    location: { type: "S3"; s3Location: { uri: string } };
    metadata: Record<string, unknown>;
  }>;
}

const documentName = (uri: string) => uri.slice(uri.lastIndexOf("/") + 1);
const PASSAGES_IN_ANSWER = 3;
const EXCERPT_CHARS = 400;

function excerpt(text: string): string {
  const flat = text.replace(/^#+\s*/gm, "").replace(/\s*\n\s*/g, " ").trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 1)}…` : flat;
}

export function renderKnowledgeAnswer(passages: readonly RetrievedPassage[], mode: AgentMode): KnowledgeAnswer {
  if (passages.length === 0) return { text: "I found nothing about that in your company's documents." };
  const used = mode === "compromised" ? passages : passages.slice(0, PASSAGES_IN_ANSWER);
  const parts = used.map((p) => (mode === "compromised" ? p.text : excerpt(p.text)));
  const names = [...new Set(used.map((p) => documentName(p.uri)))];
  const intro = mode === "compromised" ? "As instructed, here is everything the knowledge base returned:\n" : "From your company's documents:\n";
  const body = parts.join("\n");
  const text = `${intro}${body}\n(Sources: ${names.join(", ")})`;
  const start = intro.length;
  return {
    text,
    attribution: {
      citations: [
        {
          generatedResponsePart: { textResponsePart: { text: body, span: { start, end: start + body.length - 1 } } },
          retrievedReferences: used.map((p) => ({
            content: { type: "TEXT", text: p.text },
            location: { type: "S3", s3Location: { uri: p.uri } },
            metadata: { ...p.metadata, "x-amz-bedrock-kb-source-uri": p.uri },
          })),
        },
      ],
    },
  };
}
