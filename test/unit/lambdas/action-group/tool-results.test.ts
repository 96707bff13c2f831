import { ToolError } from "../../../../lambdas/action-group/errors";
import {
  MAX_LISTED_ORDERS,
  myUsageResult,
  notFoundResult,
  orderResult,
  ordersResult,
  orderSummary,
  returnPolicyResult,
  tenantSettings,
  toolErrorResult,
} from "../../../../lambdas/action-group/tool-results";

const item = (orderId: string, orderDate: string) => ({
  userId: "u",
  orderId,
  orderDate,
  total: 10,
  currency: "USD",
  status: "shipped",
  items: [{ sku: "A" }],
});

describe("tenantSettings / returnPolicyResult", () => {
  it("maps the tenant row to {tenantName, returnPolicyDays}", () => {
    const row = { tenantId: "tenant2", displayName: "Tenant Two", returnPolicyDays: 20 };
    expect(returnPolicyResult(tenantSettings(row))).toEqual({ tenantName: "Tenant Two", returnPolicyDays: 20 });
  });

  it.each([undefined, {}, { displayName: "x", returnPolicyDays: "10" }, { displayName: "x", returnPolicyDays: -1 }, { displayName: "x", returnPolicyDays: 1.5 }])(
    "refuses %p as tenant_not_configured",
    (row) => {
      expect(() => tenantSettings(row as Record<string, unknown> | undefined)).toThrow(new ToolError("tenant_not_configured"));
    },
  );
});

describe("orderSummary", () => {
  it("keeps the documented fields only (never the userId key)", () => {
    expect(orderSummary(item("o-1", "2026-01-02T00:00:00Z"))).toEqual({
      orderId: "o-1",
      orderDate: "2026-01-02T00:00:00Z",
      total: 10,
      currency: "USD",
      status: "shipped",
      items: [{ sku: "A" }],
    });
  });

  it("fills malformed fields with neutral values", () => {
    expect(orderSummary({ orderId: 7, total: "x", items: "no" })).toEqual({
      orderId: "",
      orderDate: "",
      total: 0,
      currency: "",
      status: "",
      items: [],
    });
  });
});

describe("ordersResult", () => {
  it("sorts newest first, unreadable dates last", () => {
    const result = ordersResult([item("a", "2026-01-01"), item("b", "garbage"), item("c", "2026-03-01"), item("d", "2026-02-01T10:00:00Z")]);
    expect(result.orders.map((o) => o.orderId)).toEqual(["c", "d", "a", "b"]);
  });

  it(`returns at most ${MAX_LISTED_ORDERS} orders`, () => {
    const many = Array.from({ length: 80 }, (_, i) => item(`o-${i}`, new Date(Date.UTC(2026, 0, 1 + i)).toISOString()));
    const result = ordersResult(many);
    expect(result.orders).toHaveLength(MAX_LISTED_ORDERS);
    expect(result.orders[0].orderId).toBe("o-79");
  });

  it("allows an empty list", () => {
    expect(ordersResult([])).toEqual({ orders: [] });
  });
});

describe("orderResult", () => {
  const ordered = "2026-03-01T15:30:00Z";

  it("is returnable through the last day of the policy", () => {
    expect(orderResult(item("o", ordered), 10, new Date("2026-03-11T23:59:00Z"))).toMatchObject({
      returnable: true,
      returnBy: "2026-03-11",
    });
    expect(orderResult(item("o", ordered), 10, new Date("2026-03-12T00:00:01Z"))).toMatchObject({
      returnable: false,
      returnBy: "2026-03-11",
    });
  });

  it("depends on the tenant's policy days", () => {
    const now = new Date("2026-03-20T00:00:00Z");
    expect(orderResult(item("o", ordered), 10, now).returnable).toBe(false);
    expect(orderResult(item("o", ordered), 30, now)).toMatchObject({ returnable: true, returnBy: "2026-03-31" });
  });

  it("is not returnable when the order date is unreadable", () => {
    expect(orderResult(item("o", "soon"), 30, new Date())).toMatchObject({ returnable: false, returnBy: null });
  });
});

describe("error bodies", () => {
  it("not_found is a plain result", () => {
    expect(JSON.stringify(notFoundResult())).toBe('{"error":"not_found"}');
  });

  it("tool errors carry code and fixed message", () => {
    expect(toolErrorResult(new ToolError("access_denied"))).toEqual({
      error: "access_denied",
      message: "Access to the requested data was denied.",
    });
  });
});

describe("myUsageResult", () => {
  const NOW_JUNE = new Date("2026-06-15T08:00:00Z");

  it("takes today's counter and sums the month's, ignoring other months and non-day keys", () => {
    const items = [
      { sk: "day#2026-06-15", asks: 2, inputTokens: 500, outputTokens: 60, reservedTokens: 4000, bytes: 999 },
      { sk: "day#2026-06-01", asks: 5, inputTokens: 1000, outputTokens: 100 },
      { sk: "day#2026-05-31", asks: 50, inputTokens: 1, outputTokens: 1 },
      { sk: "answer#2026-06-15T07:00:00.000Z#x", asks: 1, inputTokens: 7, outputTokens: 7 },
      { sk: "month#2026-06", asks: 100 },
    ];
    expect(myUsageResult(items, NOW_JUNE)).toEqual({
      today: { date: "2026-06-15", asks: 2, inputTokens: 500, outputTokens: 60 },
      thisMonth: { month: "2026-06", asks: 7, inputTokens: 1500, outputTokens: 160 },
    });
  });

  it("reads missing, negative or non-numeric counts as 0, and no counters as a zero month", () => {
    expect(myUsageResult([{ sk: "day#2026-06-15", asks: "3", inputTokens: -4 }], NOW_JUNE).today).toEqual({
      date: "2026-06-15",
      asks: 0,
      inputTokens: 0,
      outputTokens: 0,
    });
    expect(myUsageResult([], NOW_JUNE).thisMonth).toEqual({ month: "2026-06", asks: 0, inputTokens: 0, outputTokens: 0 });
  });
});
