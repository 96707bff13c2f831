import { hashKeyFromCondition, resourceAccesses, tablesOf } from "../../../../local/dynamodb/leading-keys";

const hashKeys: Record<string, string> = { tenants: "tenantId", "orders-t1": "userId", connections: "connectionId", "connections/byUserId": "userId" };
const lookup = (table: string, index?: string) => hashKeys[index ? `${table}/${index}` : table];

describe("resourceAccesses", () => {
  it("reads the partition key of GetItem, DeleteItem, UpdateItem and PutItem", () => {
    expect(resourceAccesses("GetItem", { TableName: "tenants", Key: { tenantId: { S: "t1" } } }, lookup)).toEqual([{ tableName: "tenants", leadingKeys: ["t1"] }]);
    expect(resourceAccesses("DeleteItem", { TableName: "orders-t1", Key: { userId: { S: "u" }, orderId: { S: "o" } } }, lookup)[0].leadingKeys).toEqual(["u"]);
    expect(resourceAccesses("UpdateItem", { TableName: "tenants", Key: { tenantId: { S: "t2" } } }, lookup)[0].leadingKeys).toEqual(["t2"]);
    expect(resourceAccesses("PutItem", { TableName: "orders-t1", Item: { userId: { S: "u" }, orderId: { S: "o" } } }, lookup)[0].leadingKeys).toEqual(["u"]);
  });

  it("reads a Query's hash-key equality through #names and :values, in either order", () => {
    const body = {
      TableName: "orders-t1",
      KeyConditionExpression: "#u = :u AND begins_with(orderId, :p)",
      ExpressionAttributeNames: { "#u": "userId" },
      ExpressionAttributeValues: { ":u": { S: "sub-1" }, ":p": { S: "o" } },
    };
    expect(resourceAccesses("Query", body, lookup)).toEqual([{ tableName: "orders-t1", indexName: undefined, leadingKeys: ["sub-1"] }]);
    expect(hashKeyFromCondition(":v = userId", "userId", {}, { ":v": { S: "x" } })).toBe("x");
  });

  it("uses the index's hash key for index queries", () => {
    const body = { TableName: "connections", IndexName: "byUserId", KeyConditionExpression: "userId = :u", ExpressionAttributeValues: { ":u": { S: "sub-2" } } };
    expect(resourceAccesses("Query", body, lookup)).toEqual([{ tableName: "connections", indexName: "byUserId", leadingKeys: ["sub-2"] }]);
  });

  it("has no LeadingKeys when the partition key is not constrained (Scan, range-only Query)", () => {
    expect(resourceAccesses("Scan", { TableName: "orders-t1" }, lookup)).toEqual([{ tableName: "orders-t1", indexName: undefined }]);
    const rangeOnly = { TableName: "orders-t1", KeyConditionExpression: "orderId = :o", ExpressionAttributeValues: { ":o": { S: "o" } } };
    expect(resourceAccesses("Query", rangeOnly, lookup)[0].leadingKeys).toBeUndefined();
    expect(resourceAccesses("GetItem", { TableName: "unknown", Key: { id: { S: "x" } } }, lookup)[0].leadingKeys).toBeUndefined();
  });

  it("collects every partition key of a batch, per table", () => {
    const batchGet = { RequestItems: { tenants: { Keys: [{ tenantId: { S: "t1" } }, { tenantId: { S: "t2" } }, { tenantId: { S: "t1" } }] } } };
    expect(resourceAccesses("BatchGetItem", batchGet, lookup)).toEqual([{ tableName: "tenants", leadingKeys: ["t1", "t2"] }]);
    const batchWrite = {
      RequestItems: {
        "orders-t1": [{ PutRequest: { Item: { userId: { S: "a" }, orderId: { S: "1" } } } }, { DeleteRequest: { Key: { userId: { S: "b" }, orderId: { S: "2" } } } }],
      },
    };
    expect(resourceAccesses("BatchWriteItem", batchWrite, lookup)).toEqual([{ tableName: "orders-t1", leadingKeys: ["a", "b"] }]);
    expect(tablesOf(batchWrite)).toEqual(["orders-t1"]);
  });
});
