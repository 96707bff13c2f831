/** local/bedrock/retrieval-filter.ts: filters parsed strictly and applied exactly as given (I18). */
import { matchesFilter, parseRetrievalFilter, RetrievalFilterError } from "../../../../local/bedrock/retrieval-filter";

const t1 = { tenantId: "tenant1", kind: "faq" };
const t2 = { tenantId: "tenant2", kind: "catalogue" };

describe("retrieval filters", () => {
  it("applies equals, notEquals, in, notIn, andAll and orAll", () => {
    const eq = parseRetrievalFilter({ equals: { key: "tenantId", value: "tenant1" } });
    expect([matchesFilter(eq, t1), matchesFilter(eq, t2)]).toEqual([true, false]);
    const ne = parseRetrievalFilter({ notEquals: { key: "tenantId", value: "tenant1" } });
    expect([matchesFilter(ne, t1), matchesFilter(ne, t2)]).toEqual([false, true]);
    const inList = parseRetrievalFilter({ in: { key: "tenantId", value: ["tenant2", "tenant3"] } });
    expect([matchesFilter(inList, t1), matchesFilter(inList, t2)]).toEqual([false, true]);
    const notIn = parseRetrievalFilter({ notIn: { key: "tenantId", value: ["tenant2"] } });
    expect([matchesFilter(notIn, t1), matchesFilter(notIn, t2)]).toEqual([true, false]);
    const and = parseRetrievalFilter({ andAll: [{ equals: { key: "tenantId", value: "tenant1" } }, { equals: { key: "kind", value: "faq" } }] });
    expect([matchesFilter(and, t1), matchesFilter(and, t2)]).toEqual([true, false]);
    const or = parseRetrievalFilter({ orAll: [{ equals: { key: "tenantId", value: "tenant1" } }, { equals: { key: "kind", value: "catalogue" } }] });
    expect([matchesFilter(or, t1), matchesFilter(or, t2)]).toEqual([true, true]);
  });

  it("admits everything without a filter, as AWS does: the chat function must always send one", () => {
    expect([matchesFilter(undefined, t1), matchesFilter(undefined, t2)]).toEqual([true, true]);
  });

  it.each([
    [null],
    [[]],
    [{}],
    [{ equals: { key: "tenantId", value: "tenant1" }, orAll: [] }],
    [{ startsWith: { key: "tenantId", value: "tenant" } }],
    [{ equals: { value: "tenant1" } }],
    [{ in: { key: "tenantId", value: "tenant1" } }],
    [{ andAll: [{ equals: { key: "tenantId", value: "tenant1" } }] }],
    [{ andAll: [{ equals: { key: "tenantId", value: "tenant1" } }, { listContains: { key: "x", value: "y" } }] }],
  ])("refuses %j instead of ignoring it (which would widen the retrieval)", (filter) => {
    expect(() => parseRetrievalFilter(filter)).toThrow(RetrievalFilterError);
  });
});
