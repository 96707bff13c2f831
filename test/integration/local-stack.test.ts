/**
 * The issue "npm start runs the whole system on one machine", end to end over REAL
 * WebSocket connections with tokens from REAL sign-ins: a user's first sign-in asks for a
 * new password and then hears its tenant's return policy, each tenant hears its own, a
 * user's orders appear after the operator adds them, and events arrive in protocol order.
 *
 * Whose users: on the stack the global setup booted (STACK_BOOTED_BY_SUITE=1) the first
 * sign-in and the per-tenant answers use the configured demo users, as the issue tells
 * it. On any other stack (STACK_OUTPUTS / --outputs: someone may be signed in as a demo
 * user with orders of their own) the same scenarios run with users this file creates,
 * per run and per tenant, removed with their orders in afterAll, also after a failure.
 * Orders are only ever added for a per-run user, so no one's orders are cleared.
 */
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import { BedrockAgentRuntimeClient, InvokeAgentCommand } from "@aws-sdk/client-bedrock-agent-runtime";
import { statSync } from "node:fs";
import { addOrder, listOrders } from "../../scripts/orders";
import { resolveOutputsPath } from "../../local/runtime/stack-outputs";
import { connectStack, type StackUnderTest } from "../support/stack/aws-clients";
import { demoUsernameOf, signInSuiteDemoUser } from "../support/stack/demo-users";
import { StackOperationError } from "../../scripts/stack-client/operation-error";
import { stackOutputs, stackTenants } from "../support/stack/outputs";
import { decodeClaims, publicCognitoClient, signIn, signInFirstTime } from "../../scripts/stack-client/sign-in";
import { ConfiguredUserError, ForeignStackError, suiteBootedStack } from "../support/stack/stack-ownership";
import { createConfirmedUser, testPassword, TestUserFactory } from "../support/stack/test-users";
import { connectAs, UpgradeRefusedError, type ConnectionOwner, type StackConnection } from "../../scripts/stack-client/ws-client";

jest.setTimeout(60_000);

const outputs = stackOutputs();
const TENANTS = stackTenants(outputs);
const [FIRST_TENANT, SECOND_TENANT] = TENANTS;
/** Read once, when the file loads: the global setup has set (or removed) the flag by then. */
const DEMO_USERS = suiteBootedStack();
process.stdout.write(
  `local-stack: ${DEMO_USERS ? "stack booted by the suite: demo users" : "stack not booted by the suite: per-run users only, demo users untouched"}\n`,
);

type StackUser = ConnectionOwner & { idToken: string };

let stack: StackUnderTest | undefined;
let factory: TestUserFactory | undefined;
const sessions: StackConnection[] = [];

beforeAll(() => {
  stack = connectStack();
  factory = new TestUserFactory(stack);
});

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close().catch(() => undefined)));
  if (!factory || !stack) return;
  try {
    const problems = await factory.cleanup();
    if (problems.length) process.stdout.write(`local-stack cleanup problems: ${problems.join("; ")}\n`);
  } finally {
    stack.destroy();
  }
}, 120_000);

function users(): TestUserFactory {
  if (!factory) throw new Error("users requested before beforeAll");
  return factory;
}

const perTenant = new Map<string, Promise<StackUser>>();

/** The user a scenario of `tenantId` signs in as: the demo user on the suite's own stack, else a per-run user. */
function userOf(tenantId: string): Promise<StackUser> {
  let user = perTenant.get(tenantId);
  if (!user) {
    user = DEMO_USERS ? signInSuiteDemoUser(outputs, demoUsernameOf(outputs, tenantId)) : users().create(tenantId, `ls-${tenantId}`, 0);
    perTenant.set(tenantId, user);
  }
  return user;
}

async function session(user: StackUser): Promise<StackConnection> {
  const connection = await connectAs(outputs, user);
  sessions.push(connection);
  return connection;
}

async function expectOwnReturnPolicy(user: StackUser, days: number): Promise<void> {
  const connection = await session(user);
  const answer = await connection.ask("What is the return policy?");
  expect(answer.outcome).toBe("done");
  expect(answer.text).toContain(`${days} days`);
  for (const other of TENANTS.filter((t) => t.returnPolicyDays !== days)) {
    expect(answer.text).not.toContain(`${other.returnPolicyDays} days`);
  }
}

describe("local stack: the whole system on one machine", () => {
  it(`${FIRST_TENANT.id}'s user is asked for a new password at first sign-in, then hears ${FIRST_TENANT.returnPolicyDays} days`, async () => {
    let user: StackUser;
    if (DEMO_USERS) {
      const demo = await signInSuiteDemoUser(outputs, demoUsernameOf(outputs, FIRST_TENANT.id));
      perTenant.set(FIRST_TENANT.id, Promise.resolve(demo));
      expect(demo.firstSignIn).toBe(true);
      user = demo;
    } else {
      const pending = await users().createAwaitingFirstSignIn(FIRST_TENANT.id, "ls-first");
      const newPassword = testPassword();
      const target = { outputs, cognito: publicCognitoClient(outputs) };
      const first = await signInFirstTime(target, pending.username, pending.temporaryPassword, newPassword);
      expect(first.challenge).toBe("NEW_PASSWORD_REQUIRED");
      // The new password is now the user's password; the temporary one is not.
      await expect(signIn(target, pending.username, newPassword)).resolves.toHaveProperty("idToken");
      await expect(signIn(target, pending.username, pending.temporaryPassword)).rejects.toBeInstanceOf(StackOperationError);
      user = { ...pending, idToken: first.tokens.idToken };
    }
    expect(decodeClaims(user.idToken)["custom:tenantId"]).toBe(FIRST_TENANT.id);
    await expectOwnReturnPolicy(user, FIRST_TENANT.returnPolicyDays);
  });

  it.each(TENANTS.map((t) => [t.id, t.returnPolicyDays] as const))("%s's user hears their own tenant's return policy (%i days)", async (tenantId, days) => {
    const user = await userOf(tenantId);
    expect(user.tenantId).toBe(tenantId);
    await expectOwnReturnPolicy(user, days);
  });

  it("echoes the app protocol, never the token, and refuses a connection without a token", async () => {
    const user = await userOf(FIRST_TENANT.id);
    const connection = await connectAs(outputs, user);
    expect(connection.socket.protocol).toBe(outputs.webSocketProtocol);
    await connection.close();
    await expect(connectAs(outputs, undefined)).rejects.toBeInstanceOf(UpgradeRefusedError);
  });

  it("lists no orders, then the order the operator adds (and only that user's)", async () => {
    // Always a user of this run: the operator adds orders for it and afterAll removes them.
    const user = await users().create(FIRST_TENANT.id, "ls-orders", 0);
    const operator = stack!;
    const connection = await session(user);

    const none = await connection.ask("Which orders did I place?");
    expect(none.outcome).toBe("done");
    expect(none.text.toLowerCase()).toMatch(/no orders|not placed any|haven't placed|have no/);

    const added = await addOrder(operator, user.username, {
      total: 99.5,
      currency: "EUR",
      status: "shipped",
      items: ["Blue kettle"],
      orderDate: new Date().toISOString(),
    });
    expect((await listOrders(operator, user.username)).map((o) => o.orderId)).toEqual([added.orderId]);

    const listed = await connection.ask("Which orders did I place?");
    expect(listed.outcome).toBe("done");
    expect(listed.text).toContain(added.orderId);

    // Another tenant's user does not see it.
    const otherConnection = await session(await userOf(SECOND_TENANT.id));
    const theirs = await otherConnection.ask("Which orders did I place?");
    expect(theirs.outcome).toBe("done");
    expect(theirs.text).not.toContain(added.orderId);
  });

  it("sends accepted, then status, then the text (chunks, its last part in done), all with the answerId", async () => {
    const connection = await session(await userOf(SECOND_TENANT.id));
    const answer = await connection.ask("What is the return policy?");
    const types = answer.events.map((e) => e.type);
    expect(types[0]).toBe("accepted");
    expect(types[types.length - 1]).toBe("done");
    const firstStatus = types.indexOf("status");
    // A one-line answer may come whole in `done` (its text rides there when no chunk carried it).
    const firstText = answer.events.findIndex((e) => e.type === "chunk" || (e.type === "done" && e.text !== undefined));
    expect(firstStatus).toBeGreaterThan(0);
    expect(firstText).toBeGreaterThan(firstStatus);
    expect(types.slice(firstText, -1).every((t) => t === "chunk")).toBe(true);
    expect(answer.text).toContain(`${SECOND_TENANT.returnPolicyDays} days`);
    expect(answer.events.every((e) => "answerId" in e && e.answerId === answer.answerId)).toBe(true);
  });

  it("answers a bad message with a bad_request error and keeps the connection usable", async () => {
    const last = TENANTS[TENANTS.length - 1];
    const connection = await session(await userOf(last.id));
    const error = await connection.expectError("not json");
    expect(error).toMatchObject({ type: "error", code: "bad_request" });
    const answer = await connection.ask("What is the return policy?");
    expect(answer.text).toContain(`${last.returnPolicyDays} days`);
  });
});

describe("the suite leaves a stack it did not boot alone", () => {
  it("refuses a demo sign-in unless the suite booted the stack, before calling the stack", async () => {
    const demo = demoUsernameOf(outputs, FIRST_TENANT.id);
    await expect(signInSuiteDemoUser(outputs, demo, {})).rejects.toBeInstanceOf(ForeignStackError);
    await expect(signInSuiteDemoUser(outputs, demo, { STACK_BOOTED_BY_SUITE: "yes" })).rejects.toBeInstanceOf(ForeignStackError);
    // The flag is set exactly when the global setup booted this stack.
    expect(DEMO_USERS).toBe(process.env.STACK_BOOTED_BY_SUITE === "1");
  });

  it("refuses to create a per-run user under a configured demo user's name", async () => {
    const demo = demoUsernameOf(outputs, FIRST_TENANT.id);
    await expect(createConfirmedUser(stack!, { username: demo, tenantId: FIRST_TENANT.id, password: testPassword() })).rejects.toBeInstanceOf(ConfiguredUserError);
  });

  it("names the user and the operation of a failed sign-in, never the password", async () => {
    const user = await users().create(FIRST_TENANT.id, "ls-wrong-password", 0);
    const wrong = testPassword();
    const target = { outputs, cognito: publicCognitoClient(outputs) };
    const failure = await signIn(target, user.username, wrong).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StackOperationError);
    const message = (failure as StackOperationError).message;
    expect(message).toContain(`"${user.username}"`);
    expect(message).toContain("InitiateAuth");
    expect((failure as StackOperationError).causeName).toBe("NotAuthorizedException");
    expect(message).not.toContain(wrong);
    expect(message).not.toContain(user.password);
    // The honest sign-in of the same user still works.
    await expect(signIn(target, user.username, user.password)).resolves.toHaveProperty("idToken");
  });
});

const localOnly = outputs.endpoints?.control !== undefined ? describe : describe.skip;

localOnly("local stack: its secrets and test controls", () => {
  it("writes the outputs file owner-only (0600), with a control token", () => {
    expect(statSync(resolveOutputsPath()).mode & 0o777).toBe(0o600);
    expect(Buffer.from(outputs.controlToken ?? "", "base64url")).toHaveLength(32);
  });

  it("refuses the control endpoint without the token or from a browser, and obeys it with the token", async () => {
    const url = `${outputs.endpoints!.control}/agent-mode`;
    const body = JSON.stringify({ mode: "honest" });
    const json = { "content-type": "application/json" };
    expect((await fetch(url, { method: "POST", headers: json, body })).status).toBe(401);
    const auth = { ...json, authorization: `Bearer ${outputs.controlToken}` };
    expect((await fetch(url, { method: "POST", headers: { ...auth, origin: "https://evil.example" }, body })).status).toBe(403);
    expect((await fetch(url, { method: "POST", headers: { ...auth, "content-type": "text/plain" }, body })).status).toBe(415);
    const bundlePath = JSON.stringify({ bundle: "/tmp/evil.js" });
    expect((await fetch(`${outputs.endpoints!.control}/action-group`, { method: "POST", headers: auth, body: bundlePath })).status).toBe(400);
    expect((await fetch(url, { method: "POST", headers: auth, body })).status).toBe(200);
  });
});

localOnly("local stack: stand-ins answer authentication failures as AWS does", () => {
  const badKeys = { accessKeyId: outputs.adminCredentials?.accessKeyId ?? "AKIA0000000000000000", secretAccessKey: "wrong-secret-key-0000000000000000000000" };

  it("@connections and Bedrock answer a bad signature with 403; the operator's keys get past authentication", async () => {
    const management = new ApiGatewayManagementApiClient({ region: outputs.region, endpoint: outputs.endpoints!.apiGatewayManagement, credentials: badKeys, maxAttempts: 1 });
    const bedrock = new BedrockAgentRuntimeClient({ region: outputs.region, endpoint: outputs.endpoints!.bedrockAgentRuntime, credentials: badKeys, maxAttempts: 1 });
    try {
      const post = await management.send(new PostToConnectionCommand({ ConnectionId: "AAAAAAAAAAAAAAA=", Data: Buffer.from("{}") })).catch((e: { $metadata?: { httpStatusCode?: number } }) => e);
      expect(post.$metadata?.httpStatusCode).toBe(403);
      const invoke = await bedrock
        .send(new InvokeAgentCommand({ agentId: outputs.agentId, agentAliasId: outputs.agentAliasId, sessionId: "auth-check", inputText: "hi" }))
        .catch((e: { $metadata?: { httpStatusCode?: number } }) => e);
      expect(invoke.$metadata?.httpStatusCode).toBe(403);
    } finally {
      management.destroy();
      bedrock.destroy();
    }
    // The allowed path: the operator's real keys pass authentication (the connection is simply gone).
    const operator = new ApiGatewayManagementApiClient({ region: outputs.region, endpoint: outputs.endpoints!.apiGatewayManagement, credentials: outputs.adminCredentials, maxAttempts: 1 });
    try {
      await expect(operator.send(new PostToConnectionCommand({ ConnectionId: "AAAAAAAAAAAAAAA=", Data: Buffer.from("{}") }))).rejects.toMatchObject({ name: "GoneException" });
    } finally {
      operator.destroy();
    }
  });
});
