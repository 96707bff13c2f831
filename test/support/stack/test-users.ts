/**
 * Test users made for one run: created by the operator (AdminCreateUser with
 * `custom:tenantId`, then a permanent password), each with canary orders whose values
 * are unique per tenant and user, signed in for real (USER_PASSWORD_AUTH), and removed
 * afterwards, orders included (also orders a test added itself), even when a test failed.
 * Usernames carry a per-run id; the factory never creates, changes or cleans up a
 * configured (demo) user of the stack, so it is safe against a stack someone is using.
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
import { stackOperation } from "../../../scripts/stack-client/operation-error";
import { putOrder } from "./orders";
import { signIn } from "../../../scripts/stack-client/sign-in";
import { assertNotConfiguredUser } from "./stack-ownership";

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
  assertNotConfiguredUser(outputs, spec.username, "create a test user");
  const temporary = `${spec.password}-tmp`;
  await createUser(clients, spec.username, spec.tenantId, temporary);
  onCreated?.(spec.username);
  await stackOperation(
    "set a permanent password (AdminSetUserPassword)",
    spec.username,
    () => cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: outputs.userPoolId, Username: spec.username, Password: spec.password, Permanent: true })),
    [spec.password, temporary],
  );
  return subOf(clients, spec.username);
}

/**
 * Creates a user who must choose a new password at first sign-in (as `npm run users`
 * creates them), for tests of the page's new-password step.
 */
export async function createPendingUser(clients: OperatorClients, spec: { username: string; tenantId: string; temporaryPassword: string }): Promise<void> {
  assertNotConfiguredUser(clients.outputs, spec.username, "create a test user");
  await createUser(clients, spec.username, spec.tenantId, spec.temporaryPassword);
}

async function createUser(clients: OperatorClients, username: string, tenantId: string, temporaryPassword: string): Promise<void> {
  await stackOperation(
    "create a test user (AdminCreateUser)",
    username,
    () =>
      clients.cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: clients.outputs.userPoolId,
          Username: username,
          MessageAction: "SUPPRESS",
          TemporaryPassword: temporaryPassword,
          UserAttributes: [{ Name: TENANT_ID_ATTRIBUTE.attributeName, Value: tenantId }],
        }),
      ),
    [temporaryPassword],
  );
}

async function subOf(clients: OperatorClients, username: string): Promise<string> {
  const got = await stackOperation("read the user (AdminGetUser)", username, () =>
    clients.cognito.send(new AdminGetUserCommand({ UserPoolId: clients.outputs.userPoolId, Username: username })),
  );
  const sub = got.UserAttributes?.find((a) => a.Name === "sub")?.Value;
  if (!sub) throw new Error(`user ${username} has no sub`);
  return sub;
}

/** A user the operator created with a temporary password, not yet signed in. */
export interface PendingTestUser {
  username: string;
  tenantId: string;
  sub: string;
  temporaryPassword: string;
}

const RUN_ID = randomBytes(3).toString("hex");

/** A policy-compliant password unique to this call. */
export function testPassword(): string {
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
  /** username → tenantId of every user this factory created. */
  private readonly created = new Map<string, string>();

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

  private usernameFor(label: string): string {
    return `rt-${RUN_ID}-${label}`.toLowerCase().slice(0, 63);
  }

  /** One user of `tenantId` (which need not be a configured tenant: for refusal tests). */
  async create(tenantId: string, label: string, orders = 1, index = 0): Promise<TestUser> {
    if (orders > 0 && !this.stack.outputs.ordersTableNames[tenantId]) throw new Error(`tenant ${tenantId} has no orders table`);
    const username = this.usernameFor(label);
    const pass = testPassword();
    const sub = await createConfirmedUser(this.stack, { username, tenantId, password: pass }, (created) => this.created.set(created, tenantId));
    const tokens = await signIn(this.stack, username, pass);
    const user: TestUser = { username, tenantId, sub, password: pass, orders: [], canaries: [], ...tokens };
    this.users.push(user);
    for (let o = 0; o < orders; o++) await this.addOrder(user, index);
    return user;
  }

  /**
   * A user of `tenantId` as the operator hands one out: FORCE_CHANGE_PASSWORD with a
   * temporary password, so its first sign-in answers NEW_PASSWORD_REQUIRED.
   */
  async createAwaitingFirstSignIn(tenantId: string, label: string): Promise<PendingTestUser> {
    const username = this.usernameFor(label);
    assertNotConfiguredUser(this.stack.outputs, username, "create a test user");
    const temporaryPassword = testPassword();
    await createUser(this.stack, username, tenantId, temporaryPassword);
    this.created.set(username, tenantId);
    return { username, tenantId, sub: await subOf(this.stack, username), temporaryPassword };
  }

  /** Writes one more canary order for `user` (operator credentials), as the orders CLI would. */
  async addOrder(user: TestUser, userIndex = 0): Promise<CanaryOrder> {
    const table = this.stack.outputs.ordersTableNames[user.tenantId];
    if (!table) throw new Error(`tenant ${user.tenantId} has no orders table`);
    const order = canaryOrder(user.tenantId, userIndex, user.orders.length);
    await stackOperation(`write a canary order to ${table} (PutItem)`, user.username, () => putOrder(this.stack, table, user.sub, {
      orderId: order.orderId,
      orderDate: new Date(Date.now() - (user.orders.length + 1) * 86_400_000).toISOString(),
      total: order.total,
      currency: "EUR",
      status: "shipped",
      items: [{ name: order.canary, quantity: 1 }],
    }));
    user.orders.push(order);
    user.canaries.push(order.canary);
    return order;
  }

  /** A user a test deleted itself (offboarding): nothing of theirs is left to clean up. */
  forgetDeleted(username: string): void {
    this.created.delete(username);
  }

  /**
   * Removes every user made and all of their orders (the canary ones and any a test added
   * with the orders CLI's functions), continuing past individual failures. Only users this
   * factory created are touched: never a configured (demo) user.
   */
  async cleanup(): Promise<string[]> {
    const problems: string[] = [];
    const created = [...this.created];
    this.created.clear();
    for (const [username, tenantId] of created) {
      if (Object.hasOwn(this.stack.outputs.users, username)) {
        problems.push(`user ${username}: a configured user, left alone`);
        continue;
      }
      // A user of a tenant without an orders table (refusal tests) cannot have orders.
      const ordersCleared = !this.stack.outputs.ordersTableNames[tenantId]
        ? true
        : await clearOrders(this.stack, username).then(
            () => true,
            (e: Error) => (problems.push(`orders of ${username}: ${e.name}: ${e.message}`), false),
          );
      // A user whose orders could not be removed stays, so its orders are not orphaned under an unknown sub.
      if (!ordersCleared) continue;
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
