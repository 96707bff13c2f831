import { tenantItemJson, tenantRecord } from "../../../infra/tenant-record";

describe("tenant record", () => {
  it("is the item the action group reads, in DynamoDB JSON", () => {
    const record = tenantRecord({ id: "t1", displayName: "T One", returnPolicyDays: 0, users: ["u"] });
    expect(record).toEqual({ tenantId: "t1", displayName: "T One", returnPolicyDays: 0 });
    expect(JSON.parse(tenantItemJson(record))).toEqual({
      tenantId: { S: "t1" },
      displayName: { S: "T One" },
      returnPolicyDays: { N: "0" },
    });
  });
});
