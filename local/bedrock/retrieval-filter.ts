/**
 * The knowledge-base retrieval filter of InvokeAgent's
 * `sessionState.knowledgeBaseConfigurations[].retrievalConfiguration.vectorSearchConfiguration.filter`,
 * parsed and applied EXACTLY as given: no filter retrieves across every tenant, as on
 * AWS. Tenant isolation is the chat function's job (I18), and the local stand-in must not
 * hide a missing filter. Pure.
 *
 * Supported operators: equals, notEquals, in, notIn, andAll, orAll (the ones a tenant
 * filter needs). Any other operator is refused with a ValidationException-style error
 * rather than silently ignored, which would widen the retrieval.
 */
export type MetadataValue = string | number | boolean;
export type Metadata = Readonly<Record<string, MetadataValue>>;

export type RetrievalFilter =
  | { equals: { key: string; value: unknown } }
  | { notEquals: { key: string; value: unknown } }
  | { in: { key: string; value: unknown[] } }
  | { notIn: { key: string; value: unknown[] } }
  | { andAll: RetrievalFilter[] }
  | { orAll: RetrievalFilter[] };

export class RetrievalFilterError extends Error {
  override readonly name = "RetrievalFilterError";
  readonly code = "ValidationException";
}

const LEAF_OPERATORS = ["equals", "notEquals", "in", "notIn"] as const;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Validate a filter's shape: exactly one operator per object, as the service requires. */
export function parseRetrievalFilter(value: unknown, path = "filter"): RetrievalFilter {
  if (!isRecord(value)) throw new RetrievalFilterError(`${path} must be an object`);
  const operators = Object.keys(value);
  if (operators.length !== 1) throw new RetrievalFilterError(`${path} must have exactly one operator`);
  const [operator] = operators;
  const operand = value[operator];
  if (operator === "andAll" || operator === "orAll") {
    if (!Array.isArray(operand) || operand.length < 2 || operand.length > 5) {
      throw new RetrievalFilterError(`${path}.${operator} must list 2-5 filters`);
    }
    const filters = operand.map((f, i) => parseRetrievalFilter(f, `${path}.${operator}[${i}]`));
    return operator === "andAll" ? { andAll: filters } : { orAll: filters };
  }
  if ((LEAF_OPERATORS as readonly string[]).includes(operator)) {
    if (!isRecord(operand) || typeof operand.key !== "string" || operand.key.length === 0 || !("value" in operand)) {
      throw new RetrievalFilterError(`${path}.${operator} must be {key, value}`);
    }
    if ((operator === "in" || operator === "notIn") && !Array.isArray(operand.value)) {
      throw new RetrievalFilterError(`${path}.${operator}.value must be a list`);
    }
    return { [operator]: { key: operand.key, value: operand.value } } as RetrievalFilter;
  }
  throw new RetrievalFilterError(`${path}: operator ${JSON.stringify(operator).slice(0, 40)} is not supported by the local knowledge base`);
}

/** Does a passage's metadata pass the filter? `undefined` (no filter) passes everything. */
export function matchesFilter(filter: RetrievalFilter | undefined, metadata: Metadata): boolean {
  if (filter === undefined) return true;
  if ("andAll" in filter) return filter.andAll.every((f) => matchesFilter(f, metadata));
  if ("orAll" in filter) return filter.orAll.some((f) => matchesFilter(f, metadata));
  if ("equals" in filter) return metadata[filter.equals.key] === filter.equals.value;
  if ("notEquals" in filter) return metadata[filter.notEquals.key] !== filter.notEquals.value;
  if ("in" in filter) return filter.in.value.includes(metadata[filter.in.key]);
  return !filter.notIn.value.includes(metadata[filter.notIn.key]);
}
