/**
 * The JSON text bodies the tools return to the agent. The local Bedrock stand-in's
 * planner renders exactly these shapes, so they are a contract:
 *
 *   getReturnPolicy → {"tenantName": string, "returnPolicyDays": number}
 *   listOrders      → {"orders": [{orderId, orderDate, total, currency, status, items}]}   (newest first, may be empty)
 *   getOrder        → {"order": {orderId, orderDate, total, currency, status, items},
 *                      "returnable": boolean, "returnBy": "YYYY-MM-DD" | null}
 *                   | {"error": "not_found"}                                  (a normal answer, not a failure)
 *   getMyUsage      → {"today": {date: "YYYY-MM-DD", asks, inputTokens, outputTokens},
 *                      "thisMonth": {month: "YYYY-MM", asks, inputTokens, outputTokens}}   (UTC; the caller's own)
 *   any tool error  → {"error": <ToolErrorCode>, "message": string}           (responseState FAILURE)
 *
 * Everything here is pure: DynamoDB items in, result objects out.
 */
import type { ToolErrorCode } from "./errors";
import { ToolError } from "./errors";

/**
 * An order: what a tenant's orders table stores beside its `userId` key (the orders CLI
 * and the tests write it) and exactly what the agent sees (never the key). `Item` is the
 * writer's line shape: the CLI writes names; the reader takes names or `{ name, quantity }`.
 */
export interface Order<Item = unknown> {
  orderId: string;
  /** ISO 8601, as stored. */
  orderDate: string;
  total: number;
  currency: string;
  status: string;
  /** The order lines as stored (their shape belongs to whoever writes orders). */
  items: Item[];
}

export interface ReturnPolicyResult {
  tenantName: string;
  returnPolicyDays: number;
}

export interface OrdersResult {
  orders: Order[];
}

export interface OrderResult {
  order: Order;
  returnable: boolean;
  /** Last day (UTC) on which the order can be returned; null when the order date is unreadable. */
  returnBy: string | null;
}

export interface NotFoundResult {
  error: "not_found";
}

export interface ToolErrorResult {
  error: ToolErrorCode;
  message: string;
}

export interface UsageTotals {
  asks: number;
  inputTokens: number;
  outputTokens: number;
}

export interface MyUsageResult {
  today: UsageTotals & { date: string };
  thisMonth: UsageTotals & { month: string };
}

export type ToolResult = ReturnPolicyResult | OrdersResult | OrderResult | NotFoundResult | MyUsageResult;

/** At most this many orders are returned by listOrders. */
export const MAX_LISTED_ORDERS = 50;

const DAY_MS = 24 * 60 * 60 * 1000;

export interface TenantSettings {
  displayName: string;
  returnPolicyDays: number;
}

/** The tenant row's fields the tools use; a missing or malformed row is a configuration error. */
export function tenantSettings(item: Record<string, unknown> | undefined): TenantSettings {
  const displayName = item?.displayName;
  const days = item?.returnPolicyDays;
  if (typeof displayName !== "string" || typeof days !== "number" || !Number.isInteger(days) || days < 0) {
    throw new ToolError("tenant_not_configured");
  }
  return { displayName, returnPolicyDays: days };
}

export function returnPolicyResult(settings: TenantSettings): ReturnPolicyResult {
  return { tenantName: settings.displayName, returnPolicyDays: settings.returnPolicyDays };
}

function stringField(item: Record<string, unknown>, key: string): string {
  const value = item[key];
  return typeof value === "string" ? value : "";
}

/** An order item as the agent sees it: only the documented fields (never the userId key). */
export function orderSummary(item: Record<string, unknown>): Order {
  const total = item.total;
  return {
    orderId: stringField(item, "orderId"),
    orderDate: stringField(item, "orderDate"),
    total: typeof total === "number" && Number.isFinite(total) ? total : 0,
    currency: stringField(item, "currency"),
    status: stringField(item, "status"),
    items: Array.isArray(item.items) ? item.items : [],
  };
}

function dateMs(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/** Newest first by orderDate (unreadable dates last), orderId as the tie-break; bounded. */
export function ordersResult(items: readonly Record<string, unknown>[], limit = MAX_LISTED_ORDERS): OrdersResult {
  const orders = items
    .map(orderSummary)
    .sort((a, b) => dateMs(b.orderDate) - dateMs(a.orderDate) || b.orderId.localeCompare(a.orderId))
    .slice(0, limit);
  return { orders };
}

/**
 * returnBy = order date + the tenant's policy days (UTC calendar date); the order is
 * returnable through the end of that day.
 */
export function orderResult(item: Record<string, unknown>, returnPolicyDays: number, now: Date): OrderResult {
  const order = orderSummary(item);
  const ordered = Date.parse(order.orderDate);
  if (Number.isNaN(ordered)) return { order, returnable: false, returnBy: null };
  const returnBy = new Date(ordered + returnPolicyDays * DAY_MS).toISOString().slice(0, 10);
  const today = now.toISOString().slice(0, 10);
  return { order, returnable: today <= returnBy, returnBy };
}

export const notFoundResult = (): NotFoundResult => ({ error: "not_found" });

function count(item: Record<string, unknown>, key: keyof UsageTotals): number {
  const value = item[key];
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * The caller's usage from their daily counters of this month (sort keys `day#YYYY-MM-DD`,
 * lambdas/common/usage-keys.ts): today's counter and the month's sum. Only the three
 * numbers a user asks about leave the table (no reservation, no bytes, no keys).
 */
export function myUsageResult(items: readonly Record<string, unknown>[], now: Date): MyUsageResult {
  const date = now.toISOString().slice(0, 10);
  const month = date.slice(0, 7);
  const zero = (): UsageTotals => ({ asks: 0, inputTokens: 0, outputTokens: 0 });
  const today = zero();
  const thisMonth = zero();
  for (const item of items) {
    const day = typeof item.sk === "string" && item.sk.startsWith("day#") ? item.sk.slice(4) : "";
    if (!day.startsWith(`${month}-`)) continue;
    for (const key of ["asks", "inputTokens", "outputTokens"] as const) {
      thisMonth[key] += count(item, key);
      if (day === date) today[key] += count(item, key);
    }
  }
  return { today: { date, ...today }, thisMonth: { month, ...thisMonth } };
}

export function toolErrorResult(error: ToolError): ToolErrorResult {
  return { error: error.code, message: error.message };
}
