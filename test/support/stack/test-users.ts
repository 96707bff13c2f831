/**
 * Test users made for one run: created by the operator (AdminCreateUser with
 * `custom:tenantId`, then a permanent password), each with canary orders whose values
 * are unique per tenant and user, signed in for real (USER_PASSWORD_AUTH), and removed
 * afterwards, orders included, even when a test failed.
 */
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { randomBytes } from "node:crypto";
import { TENANT_ID_ATTRIBUTE } from "../../../infra/user-pool-settings";
import { clearOrders } from "../../../scripts/orders";
import type { OperatorClients } from "../../../scripts/operator-clients";
import type { StackUnderTest } from "./aws-clients";
import { putOrder } from "./orders";
import { signIn } from "./sign-in";

export interface CanaryOrder {
  orderId: string;
  /** Secret marker inside the order; it may only ever reach its owner. */
  canary: string;
  total: number;
}

export interface TestUser {
  username: string;
  tenantId: string;
  sub: string;
  password: string;
  /** Empty for users made with `orders: 0`. */
  orders: CanaryOrder[];
  /** Every canary of this user: what no other user may ever see. */
  canaries: string[];
  idToken: string;
  accessToken: string;
}

export interface CreateUsersOptions {
  /** Users per tenant of the stack. */
  perTenant: number;
  /** Canary orders per user. */
  orders?: number;
  /** A short tag naming the test file, part of usernames. */
  tag: string;
}

export interface ConfirmedUserSpec {
  username: string;
  tenantId: string;
  password: string;
}

/**
 * Creates a user who signs in with `password` at once (no first-sign-in challenge) and
 * returns their sub. `onCreated` runs as soon as the user exists, so a caller can clean up
 * even if a later step fails.
 */
export async function createConfirmedUser(clients: OperatorClients, spec: ConfirmedUserSpec, onCreated?: (username: string) => void): Promise<string> {
  const { cognito, outputs } = clients;
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: outputs.userPoolId,
      Username: spec.username,
      MessageAction: "SUPPRESS",
      TemporaryPassword: `${spec.password}-tmp`,
      UserAttributes: [{ Name: TENANT_ID_ATTRIBUTE.attributeName, Value: spec.tenantId }],
    }),
  );
  onCreated?.(spec.username);
  await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: outputs.userPoolId, Username: spec.username, Password: spec.password, Permanent: true }));
  const got = await cognito.send(new AdminGetUserCommand({ UserPoolId: outputs.userPoolId, Username: spec.username }));
  const sub = got.UserAttributes?.find((a) => a.Name === "sub")?.Value;
  if (!sub) throw new Error(`user ${spec.username} has no sub`);
  return sub;
}

const RUN_ID = randomBytes(3).toString("hex");

function password(): string {
  return `Rt-${randomBytes(12).toString("base64url")}-9aZ!`;
}

function canaryOrder(tenantId: string, userIndex: number, orderIndex: number): CanaryOrder {
  const secret = randomBytes(6).toString("hex");
  return {
    orderId: `ord-${tenantId}-u${userIndex}-${orderIndex}-${randomBytes(3).toString("hex")}`,
    canary: `CANARY${secret.toUpperCase()}`,
    total: 10 * (userIndex + 1) + orderIndex + 0.5,
  };
}

/** Keeps track of everything it made so `cleanup` can remove it. */
export class TestUserFactory {
  readonly users: TestUser[] = [];
  private readonly createdUsernames: string[] = [];
  private readonly usernamesWithOrders = new Set<string>();

  constructor(private readonly stack: StackUnderTest) {}

  async createPerTenant(options: CreateUsersOptions): Promise<TestUser[]> {
    const made: TestUser[] = [];
    for (const tenant of this.stack.tenants) {
      for (let i = 0; i < options.perTenant; i++) {
        made.push(await this.create(tenant.id, `${options.tag}-${tenant.id}-${i}`, options.orders ?? 1, i));
      }
    }
    return made;
  }

  /** One user of `tenantId` (which need not be a configured tenant: for refusal tests). */
  async create(tenantId: string, label: string, orders = 1, index = 0): Promise<TestUser> {
    if (orders > 0 && !this.stack.outputs.ordersTableNames[tenantId]) throw new Error(`tenant ${tenantId} has no orders table`);
    const username = `rt-${RUN_ID}-${label}`.toLowerCase().slice(0, 63);
    const pass = password();
    const sub = await createConfirmedUser(this.stack, { username, tenantId, password: pass }, (created) => this.createdUsernames.push(created));
    const tokens = await signIn(this.stack, username, pass);
    const user: TestUser = { username, tenantId, sub, password: pass, orders: [], canaries: [], ...tokens };
    this.users.push(user);
    for (let o = 0; o < orders; o++) await this.addOrder(user, index);
    return user;
  }

  /** Writes one more canary order for `user` (operator credentials), as the orders CLI would. */
  async addOrder(user: TestUser, userIndex = 0): Promise<CanaryOrder> {
    const table = this.stack.outputs.ordersTableNames[user.tenantId];
    if (!table) throw new Error(`tenant ${user.tenantId} has no orders table`);
    const order = canaryOrder(user.tenantId, userIndex, user.orders.length);
    this.usernamesWithOrders.add(user.username);
    await putOrder(this.stack, table, user.sub, {
      orderId: order.orderId,
      orderDate: new Date(Date.now() - (user.orders.length + 1) * 86_400_000).toISOString(),
      total: order.total,
      currency: "EUR",
      status: "shipped",
      items: [{ name: order.canary, quantity: 1 }],
    });
    user.orders.push(order);
    user.canaries.push(order.canary);
    return order;
  }

  /** Removes every order and user made, continuing past individual failures. */
  async cleanup(): Promise<string[]> {
    const problems: string[] = [];
    for (const username of [...this.usernamesWithOrders]) {
      await clearOrders(this.stack, username).catch((e: Error) => problems.push(`orders of ${username}: ${e.name}`));
    }
    this.usernamesWithOrders.clear();
    for (const username of this.createdUsernames.splice(0)) {
      await this.stack.cognito
        .send(new AdminDeleteUserCommand({ UserPoolId: this.stack.outputs.userPoolId, Username: username }))
        .catch((e: Error) => problems.push(`user ${username}: ${e.name}`));
    }
    return problems;
  }
}

/** Every canary of the given users except `owner`'s. */
export function foreignCanaries(owner: TestUser, users: readonly TestUser[]): string[] {
  return users.filter((u) => u.sub !== owner.sub).flatMap((u) => u.canaries);
}
