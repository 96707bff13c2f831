/** lambdas/chat/budgets.ts: which limits apply, the reserve/release requests, the refusal message. */
import {
  budgetExhaustedMessage,
  budgetLimits,
  budgetResetsAt,
  isBudgetRefusal,
  releaseRequest,
  reservationFor,
  reserveRequest,
} from "../../../../lambdas/chat/budgets";

const key = { pk: "tenant1", sk: "day#2026-12-02" };

describe("budgetLimits", () => {
  it("no budget, or an empty one, is no limit", () => {
    expect(budgetLimits(undefined)).toEqual([]);
    expect(budgetLimits({})).toEqual([]);
  });

  it("lists the limits that are set, widest first", () => {
    expect(budgetLimits({ userDailyTokens: 10, monthlyTokens: 1000, dailyTokens: 100 })).toEqual([
      { counter: "tenantMonth", limit: 1000 },
      { counter: "tenantDay", limit: 100 },
      { counter: "userDay", limit: 10 },
    ]);
    expect(budgetLimits({ dailyTokens: 100 })).toEqual([{ counter: "tenantDay", limit: 100 }]);
  });
});

describe("reserveRequest", () => {
  it("adds the reservation to reserved and committed, only if committed leaves room for it", () => {
    const request = reserveRequest("usage", key, 10_000, 2000, 99);
    expect(request).toEqual({
      TableName: "usage",
      Key: key,
      UpdateExpression: "ADD #reserved :tokens, #committed :tokens SET #expiresAt = :expiresAt",
      ConditionExpression: "attribute_not_exists(#committed) OR #committed <= :room",
      ExpressionAttributeNames: { "#reserved": "reservedTokens", "#committed": "committedTokens", "#expiresAt": "expiresAt" },
      ExpressionAttributeValues: { ":tokens": 2000, ":room": 8000, ":expiresAt": 99 },
      ReturnValues: "NONE",
    });
  });

  it("caps the reservation at the limit, so a small budget still admits one answer", () => {
    expect(reservationFor(500, 2000)).toBe(500);
    expect(reservationFor(5000, 2000)).toBe(2000);
    expect(reserveRequest("usage", key, 500, reservationFor(500, 2000), 1).ExpressionAttributeValues).toMatchObject({ ":room": 0 });
  });

  it("releases exactly what was reserved", () => {
    expect(releaseRequest("usage", key, 2000)).toMatchObject({
      UpdateExpression: "ADD #reserved :release, #committed :release",
      ExpressionAttributeValues: { ":release": -2000 },
    });
  });

  it("treats only a failed condition as a refusal", () => {
    expect(isBudgetRefusal(Object.assign(new Error("x"), { name: "ConditionalCheckFailedException" }))).toBe(true);
    expect(isBudgetRefusal(Object.assign(new Error("x"), { name: "AccessDeniedException" }))).toBe(false);
    expect(isBudgetRefusal("ConditionalCheckFailedException")).toBe(false);
  });
});

describe("the refusal message", () => {
  const now = new Date("2026-12-31T15:00:00.000Z");

  it("resets days at the next UTC midnight and the month on the first", () => {
    expect(budgetResetsAt("userDay", now).toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(budgetResetsAt("tenantDay", new Date("2026-12-02T23:59:59.999Z")).toISOString()).toBe("2026-12-03T00:00:00.000Z");
    expect(budgetResetsAt("tenantMonth", new Date("2026-11-15T00:00:00.000Z")).toISOString()).toBe("2026-12-01T00:00:00.000Z");
  });

  it("names the limit, its size and when it resets", () => {
    expect(budgetExhaustedMessage({ counter: "tenantMonth", limit: 1000000 }, new Date("2026-11-15T10:00:00Z"))).toBe(
      "your organisation's monthly token budget (1000000 tokens) is used up; it resets on the first of next month (2026-12-01 00:00 UTC)",
    );
    expect(budgetExhaustedMessage({ counter: "tenantDay", limit: 50000 }, now)).toBe(
      "your organisation's daily token budget (50000 tokens) is used up; it resets at midnight UTC (2027-01-01 00:00 UTC)",
    );
    expect(budgetExhaustedMessage({ counter: "userDay", limit: 100 }, now)).toBe(
      "your daily token limit (100 tokens) is used up; it resets at midnight UTC (2027-01-01 00:00 UTC)",
    );
  });
});
