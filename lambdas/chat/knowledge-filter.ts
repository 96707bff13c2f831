/**
 * Tenant isolation of the knowledge base (I18 of docs/architecture.md), in two pure
 * functions of the answer step:
 *
 * - `knowledgeBaseConfigurations` builds the ONLY retrieval configuration any
 *   InvokeAgent carries: filter `tenantId = <verified tenant>`. Its sole input is the
 *   tenant of the answer request, which came from the authorizer context (I1); the ask
 *   frame is strict, so no client field, prompt or model output can set or widen it.
 * - `citedDocuments` turns the agent's `attribution.citations` into document names for
 *   the client, keeping only well-formed URIs under the caller's own tenant prefix (a
 *   second wall: even a misconfigured filter could not put another tenant's document
 *   name on the wire).
 */
import type { Attribution, KnowledgeBaseConfiguration } from "@aws-sdk/client-bedrock-agent-runtime";
import { TENANT_ID_PATTERN } from "../common/identifiers";
import { parseDocumentUri, TENANT_METADATA_KEY } from "../common/knowledge-documents";

/** Passages the knowledge base hands the agent per retrieval (Bedrock's default is 5). */
export const RETRIEVED_PASSAGES = 5;

/** At most this many document names per answer reach the client. */
export const MAX_CITED_DOCUMENTS = 10;

export function knowledgeBaseConfigurations(knowledgeBaseId: string, tenantId: string): KnowledgeBaseConfiguration[] {
  // A tenant id that is not one is a bug upstream: never send a filter built from it.
  if (!TENANT_ID_PATTERN.test(tenantId)) throw new TypeError("knowledgeBaseConfigurations: not a tenant id");
  return [
    {
      knowledgeBaseId,
      retrievalConfiguration: {
        vectorSearchConfiguration: {
          numberOfResults: RETRIEVED_PASSAGES,
          filter: { equals: { key: TENANT_METADATA_KEY, value: tenantId } },
        },
      },
    },
  ];
}

/**
 * Names of the caller's documents an attribution cites, in order of first citation,
 * without duplicates; anything that is not an S3 document of `tenantId` is dropped.
 */
export function citedDocuments(attribution: Attribution | undefined, tenantId: string): string[] {
  const names: string[] = [];
  for (const citation of attribution?.citations ?? []) {
    for (const reference of citation.retrievedReferences ?? []) {
      const parts = parseDocumentUri(reference.location?.s3Location?.uri);
      if (!parts || parts.tenantId !== tenantId || names.includes(parts.name)) continue;
      if (names.length >= MAX_CITED_DOCUMENTS) return names;
      names.push(parts.name);
    }
  }
  return names;
}
