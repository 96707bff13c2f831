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
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { randomBytes } from "node:crypto";
import type { StackUnderTest } from "./stack";

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
  private readonly writtenOrders: Array<{ table: string; userId: string; orderId: string }> = [];

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
    const { cognito, outputs } = this.stack;
    if (orders > 0 && !outputs.ordersTableNames[tenantId]) throw new Error(`tenant ${tenantId} has no orders table`);
    const username = `rt-${RUN_ID}-${label}`.toLowerCase().slice(0, 63);
    const pass = password();
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: outputs.userPoolId,
        Username: username,
        MessageAction: "SUPPRESS",
        TemporaryPassword: password(),
        UserAttributes: [{ Name: "custom:tenantId", Value: tenantId }],
      }),
    );
    this.createdUsernames.push(username);
    await cognito.send(
      new AdminSetUserPasswordCommand({ UserPoolId: outputs.userPoolId, Username: username, Password: pass, Permanent: true }),
    );
    const got = await cognito.send(new AdminGetUserCommand({ UserPoolId: outputs.userPoolId, Username: username }));
    const sub = got.UserAttributes?.find((a) => a.Name === "sub")?.Value;
    if (!sub) throw new Error(`user ${username} has no sub`);
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
    this.writtenOrders.push({ table, userId: user.sub, orderId: order.orderId });
    await this.stack.dynamo.send(
      new PutCommand({
        TableName: table,
        Item: {
          userId: user.sub,
          orderId: order.orderId,
          orderDate: new Date(Date.now() - (user.orders.length + 1) * 86_400_000).toISOString(),
          total: order.total,
          currency: "EUR",
          status: "shipped",
          items: [{ name: order.canary, quantity: 1 }],
        },
      }),
    );
    user.orders.push(order);
    user.canaries.push(order.canary);
    return order;
  }

  /** Removes every order and user made, continuing past individual failures. */
  async cleanup(): Promise<string[]> {
    const problems: string[] = [];
    for (const o of this.writtenOrders.splice(0)) {
      await this.stack.dynamo
        .send(new DeleteCommand({ TableName: o.table, Key: { userId: o.userId, orderId: o.orderId } }))
        .catch((e: Error) => problems.push(`order ${o.orderId}: ${e.name}`));
    }
    for (const username of this.createdUsernames.splice(0)) {
      await this.stack.cognito
        .send(new AdminDeleteUserCommand({ UserPoolId: this.stack.outputs.userPoolId, Username: username }))
        .catch((e: Error) => problems.push(`user ${username}: ${e.name}`));
    }
    return problems;
  }
}

export async function signIn(
  stack: StackUnderTest,
  username: string,
  pass: string,
  clientId = stack.outputs.userPoolClientId,
): Promise<{ idToken: string; accessToken: string }> {
  const result = await stack.cognito.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: username, PASSWORD: pass } }),
  );
  const idToken = result.AuthenticationResult?.IdToken;
  const accessToken = result.AuthenticationResult?.AccessToken;
  if (!idToken || !accessToken) throw new Error(`sign-in of ${username} returned no tokens (challenge ${result.ChallengeName ?? "none"})`);
  return { idToken, accessToken };
}

/** Every canary of the given users except `owner`'s. */
export function foreignCanaries(owner: TestUser, users: readonly TestUser[]): string[] {
  return users.filter((u) => u.sub !== owner.sub).flatMap((u) => u.canaries);
}
