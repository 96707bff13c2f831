/**
 * The issue "npm start runs the whole system on one machine", end to end over REAL
 * WebSocket connections with tokens from REAL sign-ins: each tenant hears its own
 * return policy, a user's orders appear after the operator adds them, and events
 * arrive in protocol order.
 */
import { statSync } from "node:fs";
import { operatorClients } from "../../scripts/operator-clients";
import { addOrder, clearOrders, listOrders } from "../../scripts/orders";
import { resolveOutputsPath } from "../../scripts/stack-outputs";
import { stackOutputs } from "../support/stack/outputs";
import { signInDemoUser, type SignedInUser } from "../support/stack/sign-in";
import { connectAs, UpgradeRefusedError, type StackConnection } from "../support/stack/ws-client";

jest.setTimeout(60_000);

const outputs = stackOutputs();
const EXPECTED_DAYS: Record<string, number> = { tenant1: 10, tenant2: 20, tenant3: 30 };
const userOf = (tenant: string) => Object.entries(outputs.users).find(([, t]) => t === tenant)![0];

describe("local stack: the whole system on one machine", () => {
  const sessions: StackConnection[] = [];
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.close()));
  });

  async function session(user: SignedInUser): Promise<StackConnection> {
    const connection = await connectAs(outputs, user);
    sessions.push(connection);
    return connection;
  }

  it.each(Object.keys(EXPECTED_DAYS))("%s's user hears their own tenant's return policy", async (tenant) => {
    const user = await signInDemoUser(outputs, userOf(tenant));
    expect(user.tenantId).toBe(tenant);
    const connection = await session(user);
    const answer = await connection.ask("What is the return policy?");
    expect(answer.outcome).toBe("done");
    expect(answer.text).toContain(`${EXPECTED_DAYS[tenant]} days`);
    for (const other of Object.values(EXPECTED_DAYS).filter((d) => d !== EXPECTED_DAYS[tenant])) {
      expect(answer.text).not.toContain(`${other} days`);
    }
  });

  it("echoes the app protocol, never the token, and refuses a connection without a token", async () => {
    const user = await signInDemoUser(outputs, userOf("tenant1"));
    const connection = await connectAs(outputs, user);
    expect(connection.socket.protocol).toBe(outputs.webSocketProtocol);
    await connection.close();
    await expect(connectAs(outputs, undefined)).rejects.toBeInstanceOf(UpgradeRefusedError);
  });

  it("lists no orders, then the order the operator adds (and only that user's)", async () => {
    const username = userOf("tenant1");
    const operator = operatorClients(outputs);
    await clearOrders(operator, username);
    const user = await signInDemoUser(outputs, username);
    const connection = await session(user);

    const none = await connection.ask("Which orders did I place?");
    expect(none.outcome).toBe("done");
    expect(none.text.toLowerCase()).toMatch(/no orders|not placed any|haven't placed|have no/);

    const added = await addOrder(operator, username, {
      total: 99.5,
      currency: "EUR",
      status: "shipped",
      items: ["Blue kettle"],
      orderDate: new Date().toISOString(),
    });
    expect((await listOrders(operator, username)).map((o) => o.orderId)).toEqual([added.orderId]);

    const listed = await connection.ask("Which orders did I place?");
    expect(listed.outcome).toBe("done");
    expect(listed.text).toContain(added.orderId);

    // Another tenant's user does not see it.
    const other = await signInDemoUser(outputs, userOf("tenant2"));
    const otherConnection = await session(other);
    const theirs = await otherConnection.ask("Which orders did I place?");
    expect(theirs.text).not.toContain(added.orderId);
    await clearOrders(operator, username);
  });

  it("sends accepted, then status, then chunks, then done, all with the answerId", async () => {
    const user = await signInDemoUser(outputs, userOf("tenant2"));
    const connection = await session(user);
    const answer = await connection.ask("What is the return policy?");
    const types = answer.events.map((e) => e.type);
    expect(types[0]).toBe("accepted");
    expect(types[types.length - 1]).toBe("done");
    const firstStatus = types.indexOf("status");
    const firstChunk = types.indexOf("chunk");
    expect(firstStatus).toBeGreaterThan(0);
    expect(firstChunk).toBeGreaterThan(firstStatus);
    expect(types.slice(firstChunk, -1).every((t) => t === "chunk")).toBe(true);
    expect(answer.events.every((e) => "answerId" in e && e.answerId === answer.answerId)).toBe(true);
  });

  it("answers a bad message with a bad_request error and keeps the connection usable", async () => {
    const user = await signInDemoUser(outputs, userOf("tenant3"));
    const connection = await session(user);
    const error = await connection.expectError("not json");
    expect(error).toMatchObject({ type: "error", code: "bad_request" });
    const answer = await connection.ask("What is the return policy?");
    expect(answer.text).toContain("30 days");
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
