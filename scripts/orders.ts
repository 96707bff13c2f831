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
import { isTenantId } from "../lambdas/shared/identifiers";
import { operatorClients, type OperatorClients } from "./operator-clients";
import { loadStackOutputs, resolveOutputsPath, StackOutputsError } from "./stack-outputs";

export const USAGE =
  'usage: npm run orders -- <username> add|list|clear [--outputs FILE] [--total N] [--currency EUR] [--status placed] [--items "a,b"] [--date ISO-8601]';

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

export interface NewOrder {
  total: number;
  currency: string;
  status: string;
  items: string[];
  orderDate: string;
}

export interface Order extends NewOrder {
  orderId: string;
}

const FLAGS = new Set(["--outputs", "--total", "--currency", "--status", "--items", "--date"]);

/** Pure: argv (after `--`) → arguments, or an OrdersUsageError naming the mistake. */
export function parseOrdersArgs(argv: readonly string[], now: () => Date = () => new Date()): OrdersArgs {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith("--")) {
      if (!FLAGS.has(arg)) throw new OrdersUsageError(`unknown option ${arg}`);
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw new OrdersUsageError(`${arg} needs a value`);
      flags[arg.slice(2)] = value;
      i++;
    } else positional.push(arg);
  }
  if (positional.length !== 2) throw new OrdersUsageError("expected <username> and a command (add, list or clear)");
  const [username, command] = positional;
  if (command !== "add" && command !== "list" && command !== "clear") throw new OrdersUsageError(`unknown command "${command}" (add, list or clear)`);
  const total = flags.total === undefined ? 42.5 : Number(flags.total);
  if (!Number.isFinite(total) || total < 0) throw new OrdersUsageError("--total must be a non-negative number");
  const currency = flags.currency ?? "EUR";
  if (!/^[A-Z]{3}$/.test(currency)) throw new OrdersUsageError("--currency must be a three-letter code such as EUR");
  const status = flags.status ?? "placed";
  if (!/^[a-z][a-z_-]{0,31}$/.test(status)) throw new OrdersUsageError("--status must be a lower-case word such as placed or shipped");
  const items = (flags.items ?? "Sample item").split(",").map((s) => s.trim()).filter(Boolean);
  if (items.length === 0 || items.some((s) => s.length > 200)) throw new OrdersUsageError("--items must list 1+ item names, comma-separated");
  let orderDate = now().toISOString();
  if (flags.date !== undefined) {
    const parsed = new Date(flags.date);
    if (!/^\d{4}-\d{2}-\d{2}/.test(flags.date) || Number.isNaN(parsed.getTime())) throw new OrdersUsageError("--date must be an ISO 8601 date");
    orderDate = parsed.toISOString();
  }
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
