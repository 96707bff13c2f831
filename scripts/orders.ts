/**
 * `npm run orders -- <username> add|list|clear [--outputs F] [--total N --currency EUR
 * --status shipped --items "a,b" --date ISO]`: the operator's tool for a user's orders in
 * their tenant's table, for any stack. The tenant is the user's Cognito custom:tenantId
 * (so users created outside the stack configuration work too). Locally it uses the
 * stack's operator keys and endpoints; on AWS the default credential chain.
 */
import { AdminGetUserCommand, UserNotFoundException } from "@aws-sdk/client-cognito-identity-provider";
import { BatchWriteCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { randomUUID } from "node:crypto";
import { TENANT_ID_ATTRIBUTE } from "../infra/user-pool-settings";
import type { Order as StoredOrder } from "../lambdas/action-group/tool-results";
import { isTenantId } from "../lambdas/common/identifiers";
import { operatorClients, type OperatorClients } from "./operator-clients";
import { loadStackOutputs, resolveOutputsPath, StackOutputsError } from "../local/runtime/stack-outputs";

export const USAGE = [
  'usage: npm run orders -- <username> add|list|clear [--outputs FILE] [--total N] [--currency EUR] [--status placed] [--items "a,b"] [--date YYYY-MM-DD]',
  "  --outputs   stack outputs JSON (default: $STACK_OUTPUTS or .local/stack-outputs.json)",
  `  --total     order total, more than 0 and at most ${"1,000,000"}, up to 2 decimals (default 42.50)`,
  "  --currency  three-letter code (default EUR)",
  "  --status    lower-case word such as placed, shipped, delivered (default placed)",
  '  --items     comma-separated item names (default "Sample item")',
  "  --date      order date, YYYY-MM-DD or an ISO 8601 date-time such as 2026-01-02T10:00:00Z (default now; no zone = UTC)",
  "  --help, -h  show this help",
].join("\n");

/** The largest order total the tool writes: far above any real order, far below float trouble. */
export const MAX_ORDER_TOTAL = 1_000_000;

export class OrdersUsageError extends Error {
  readonly code = "bad_arguments";
  constructor(message: string) {
    super(message);
    this.name = "OrdersUsageError";
  }
}

export type OrdersCommand = "add" | "list" | "clear";

export interface OrdersArgs {
  username: string;
  command: OrdersCommand;
  outputs?: string;
  order: NewOrder;
}

/** The shape the action group reads (lambdas/action-group/tool-results.ts), with item names as lines. */
export type Order = StoredOrder<string>;
export type NewOrder = Omit<Order, "orderId">;

const FLAGS = new Set(["--outputs", "--total", "--currency", "--status", "--items", "--date"]);

/** Pure: whether the operator asked for the usage text (anywhere on the line). */
export function isHelpRequest(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === "--help" || arg === "-h");
}

/**
 * Pure: an order total from its text. Plain decimal notation only, so "1e20" or "0x10"
 * is refused here with a clear sentence instead of reaching DynamoDB (whose marshaller
 * refuses numbers beyond MAX_SAFE_INTEGER with an SDK error).
 */
export function parseTotal(raw: string): number {
  const problem = `--total must be an amount above 0 and at most ${MAX_ORDER_TOTAL.toLocaleString("en-US")}, with at most 2 decimals (such as 19.99); got ${JSON.stringify(raw)}`;
  if (!/^\d{1,7}(?:\.\d{1,2})?$/.test(raw.trim())) throw new OrdersUsageError(problem);
  const total = Number(raw.trim());
  if (!(total > 0) || total > MAX_ORDER_TOTAL) throw new OrdersUsageError(problem);
  return total;
}

const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * Pure: an order date as an ISO timestamp. The calendar date is checked as written,
 * because `new Date("2026-02-30")` silently rolls over to March 2. A date-time without a
 * zone is UTC (not the operator's local time, which would differ between machines).
 */
export function parseOrderDate(raw: string): string {
  const match = ISO_DATE.exec(raw);
  if (!match) throw new OrdersUsageError(`--date must be YYYY-MM-DD or an ISO 8601 date-time such as 2026-01-02T10:00:00Z; got ${JSON.stringify(raw)}`);
  const [, y, m, d, hh, mm, ss, zone] = match;
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12) throw new OrdersUsageError(`--date ${raw} has no month ${m} (01 to 12)`);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) {
    throw new OrdersUsageError(`--date ${raw} is not a real date: ${MONTH_NAMES[month - 1]} ${year} has ${daysInMonth} days`);
  }
  if (hh !== undefined && (Number(hh) > 23 || Number(mm) > 59 || (ss !== undefined && Number(ss) > 59))) {
    throw new OrdersUsageError(`--date ${raw} has an impossible time of day`);
  }
  const text = hh === undefined ? `${y}-${m}-${d}T00:00:00Z` : zone === undefined ? `${raw}Z` : raw;
  const parsed = new Date(text);
  if (Number.isNaN(parsed.getTime())) throw new OrdersUsageError(`--date ${raw} is not a date this tool can read`);
  return parsed.toISOString();
}

/** Pure: argv (after `--`) → arguments, or an OrdersUsageError naming the mistake. */
export function parseOrdersArgs(argv: readonly string[], now: () => Date = () => new Date()): OrdersArgs {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith("--")) {
      if (!FLAGS.has(arg)) throw new OrdersUsageError(`unknown option ${arg} (see --help)`);
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw new OrdersUsageError(`${arg} needs a value`);
      flags[arg.slice(2)] = value;
      i++;
    } else positional.push(arg);
  }
  if (positional.length !== 2) throw new OrdersUsageError("expected <username> and a command (add, list or clear)");
  const [username, command] = positional;
  if (command !== "add" && command !== "list" && command !== "clear") throw new OrdersUsageError(`unknown command "${command}" (add, list or clear)`);
  const total = flags.total === undefined ? 42.5 : parseTotal(flags.total);
  const currency = flags.currency ?? "EUR";
  if (!/^[A-Z]{3}$/.test(currency)) throw new OrdersUsageError("--currency must be a three-letter code such as EUR");
  const status = flags.status ?? "placed";
  if (!/^[a-z][a-z_-]{0,31}$/.test(status)) throw new OrdersUsageError("--status must be a lower-case word such as placed or shipped");
  const items = (flags.items ?? "Sample item").split(",").map((s) => s.trim()).filter(Boolean);
  if (items.length === 0 || items.some((s) => s.length > 200)) throw new OrdersUsageError("--items must list 1+ item names, comma-separated");
  const orderDate = flags.date === undefined ? now().toISOString() : parseOrderDate(flags.date);
  return { username, command, outputs: flags.outputs, order: { total, currency, status, items, orderDate } };
}

/** What the orders functions need: a stack's outputs and operator clients (scripts/operator-clients.ts). */
export type OrdersContext = Pick<OperatorClients, "outputs" | "cognito" | "dynamo">;

export class UnknownUserError extends Error {
  readonly code = "unknown_user";
  constructor(username: string, known: string[]) {
    super(`unknown user "${username}"${known.length ? ` (users of this stack: ${known.join(", ")})` : ""}`);
    this.name = "UnknownUserError";
  }
}

export class TenantMismatchError extends Error {
  readonly code = "tenant_mismatch";
  constructor(username: string, cognitoTenantId: string, outputsTenantId: string) {
    super(
      `user "${username}" is in tenant "${cognitoTenantId}" in Cognito (custom:tenantId) but "${outputsTenantId}" in the stack outputs; ` +
        "refusing to guess which orders table to use: fix the user or the stack configuration",
    );
    this.name = "TenantMismatchError";
  }
}

export class UserTenantError extends Error {
  readonly code = "user_tenant";
  constructor(message: string) {
    super(message);
    this.name = "UserTenantError";
  }
}

/**
 * Pure: the user's tenant. Cognito's immutable `custom:tenantId` is the identity the
 * authorizer trusts, so it decides (users created outside the stack configuration work);
 * the outputs' `users` map is only a fallback, and a disagreement is refused.
 */
export function userTenant(username: string, cognitoTenantId: string | undefined, outputsTenantId: string | undefined): string {
  if (cognitoTenantId !== undefined && !isTenantId(cognitoTenantId)) {
    throw new UserTenantError(`user "${username}" has a malformed custom:tenantId in Cognito`);
  }
  if (cognitoTenantId !== undefined && outputsTenantId !== undefined && cognitoTenantId !== outputsTenantId) {
    throw new TenantMismatchError(username, cognitoTenantId, outputsTenantId);
  }
  const tenantId = cognitoTenantId ?? outputsTenantId;
  if (tenantId === undefined) throw new UserTenantError(`user "${username}" has no custom:tenantId in Cognito and is not in the stack outputs' users`);
  return tenantId;
}

/** The user's sub and tenant (both from Cognito; see userTenant) and their tenant's orders table. */
export async function resolveUser(c: OrdersContext, username: string): Promise<{ sub: string; tenantId: string; tableName: string }> {
  let attributes: { Name?: string; Value?: string }[];
  try {
    const user = await c.cognito.send(new AdminGetUserCommand({ UserPoolId: c.outputs.userPoolId, Username: username }));
    attributes = user.UserAttributes ?? [];
  } catch (error) {
    if (error instanceof UserNotFoundException || (error as { name?: string }).name === "UserNotFoundException") {
      throw new UnknownUserError(username, Object.keys(c.outputs.users));
    }
    throw error;
  }
  const attribute = (name: string) => attributes.find((a) => a.Name === name)?.Value;
  const sub = attribute("sub");
  if (!sub) throw new UserTenantError(`user "${username}" has no sub in Cognito`);
  const tenantId = userTenant(username, attribute(TENANT_ID_ATTRIBUTE.attributeName), c.outputs.users[username]);
  const tableName = c.outputs.ordersTableNames[tenantId];
  if (!tableName) throw new StackOutputsError(`no orders table for tenant ${tenantId} in the stack outputs`);
  return { sub, tenantId, tableName };
}

export async function listOrders(c: OrdersContext, username: string): Promise<Order[]> {
  const { sub, tableName } = await resolveUser(c, username);
  const orders: Order[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await c.dynamo.send(
      new QueryCommand({ TableName: tableName, KeyConditionExpression: "userId = :u", ExpressionAttributeValues: { ":u": sub }, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) {
      orders.push({
        orderId: String(item.orderId),
        orderDate: String(item.orderDate),
        total: Number(item.total),
        currency: String(item.currency),
        status: String(item.status),
        items: Array.isArray(item.items) ? item.items.map(String) : [],
      });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return orders.sort((a, b) => b.orderDate.localeCompare(a.orderDate));
}

export async function addOrder(c: OrdersContext, username: string, order: NewOrder): Promise<Order> {
  const { sub, tableName } = await resolveUser(c, username);
  const created: Order = { orderId: `ord-${randomUUID().slice(0, 8)}`, ...order };
  await c.dynamo.send(new PutCommand({ TableName: tableName, Item: { userId: sub, ...created }, ConditionExpression: "attribute_not_exists(orderId)" }));
  return created;
}

export async function clearOrders(c: OrdersContext, username: string): Promise<number> {
  const { sub, tableName } = await resolveUser(c, username);
  const orders = await listOrders(c, username);
  for (let i = 0; i < orders.length; i += 25) {
    await c.dynamo.send(
      new BatchWriteCommand({
        RequestItems: { [tableName]: orders.slice(i, i + 25).map((o) => ({ DeleteRequest: { Key: { userId: sub, orderId: o.orderId } } })) },
      }),
    );
  }
  return orders.length;
}

export function formatOrder(o: Order): string {
  return `${o.orderId}  ${o.orderDate.slice(0, 10)}  ${o.total.toFixed(2)} ${o.currency}  ${o.status}  ${o.items.join(", ")}`;
}

export async function runOrdersCli(argv: readonly string[], io = { out: console.log, err: console.error }): Promise<number> {
  let c: OperatorClients | undefined;
  if (isHelpRequest(argv)) {
    io.out(USAGE);
    return 0;
  }
  try {
    const args = parseOrdersArgs(argv);
    c = operatorClients(loadStackOutputs(resolveOutputsPath(args.outputs)));
    if (args.command === "add") {
      const order = await addOrder(c, args.username, args.order);
      io.out(`added for ${args.username}: ${formatOrder(order)}`);
    } else if (args.command === "list") {
      const orders = await listOrders(c, args.username);
      io.out(orders.length === 0 ? `${args.username} has no orders` : orders.map(formatOrder).join("\n"));
    } else {
      io.out(`removed ${await clearOrders(c, args.username)} order(s) of ${args.username}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof OrdersUsageError) io.err(`${error.message}\n${USAGE}`);
    else if (
      error instanceof UnknownUserError ||
      error instanceof StackOutputsError ||
      error instanceof TenantMismatchError ||
      error instanceof UserTenantError
    )
      io.err(error.message);
    else io.err(`orders: ${(error as Error).name}: ${(error as Error).message}`);
    return error instanceof OrdersUsageError ? 2 : 1;
  } finally {
    c?.destroy();
  }
}

if (require.main === module) {
  // An operator tool's output is read by people: keep the SDK's Node 20 notice out of it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  runOrdersCli(process.argv.slice(2)).then((code) => process.exit(code));
}
