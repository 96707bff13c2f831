/**
 * Red team: the WebSocket protocol. Another user's answerId or conversation, malformed,
 * oversize and binary frames, unknown actions, flooding one connection, and 100
 * concurrent connections across tenants: every attack fails, nothing for user A ever
 * arrives on user B's connection, and the honest path keeps working.
 */
import type { TestUser } from "../../support/stack/test-users";
import { answerIdFor, newId, type StackConnection } from "../../../scripts/stack-client/ws-client";
import { useHarness } from "./support/harness";
import { inBatches } from "./support/in-batches";

jest.setTimeout(120_000);

let users: TestUser[] = [];
/** Floods alone: the burst may use its whole per-user allowance (askRateLimit) for the minute. */
let flooder: TestUser;
const harness = useHarness("protocol", async (h) => {
  // Three per tenant keeps each user's share of the 100 concurrent asks (plus the other
  // tests' asks) under the per-user ask limit, 30 a minute by default.
  users = await h.users.createPerTenant({ perTenant: 3, orders: 1, tag: "pr" });
  flooder = await h.users.create(h.stack.tenants[0].id, "pr-flood", 1);
});

const sameTenantPair = () => users.filter((u) => u.tenantId === users[0].tenantId).slice(0, 2) as [TestUser, TestUser];
const otherTenantUser = () => users.find((u) => u.tenantId !== users[0].tenantId)!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function expectUsable(connection: StackConnection, user: TestUser): Promise<void> {
  const h = harness();
  await connection.ping();
  const answer = await connection.ask("List my orders");
  expect(answer.outcome).toBe("done");
  expect(answer.text).toContain(user.orders[0].canary);
  h.tally.honest();
}

describe("identity in the protocol", () => {
  it("an answerId carrying another user's sub is forbidden and nothing reaches that user", async () => {
    const h = harness();
    const [alice, bob] = sameTenantPair();
    const carol = otherTenantUser();
    const [a, b, c] = [await h.connect(alice), await h.connect(bob), await h.connect(carol)];
    for (const victim of [bob, carol]) {
      const answer = await a.ask("List my orders", { answerId: answerIdFor(victim.sub) });
      h.tally.attack("protocol/foreign_answer_id");
      expect(answer.outcome).toBe("error");
      expect(answer.errorCode).toBe("forbidden");
      expect(answer.text).toBe("");
    }
    await sleep(300);
    expect(b.frames).toEqual([]);
    expect(c.frames).toEqual([]);
    await expectUsable(a, alice);
  });

  it("another user's conversation id gives no access to their agent memory", async () => {
    const h = harness();
    const [alice, bob] = sameTenantPair();
    const carol = otherTenantUser();
    const conversationId = newId();
    const marker = `secret-question-${newId()}`;
    const a = await h.connect(alice);
    expect((await a.ask(`What is the return policy? ${marker}`, { conversationId })).outcome).toBe("done");
    expect((await a.ask("What did I just ask?", { conversationId })).text).toContain(marker);
    h.tally.honest(2);
    for (const intruder of [bob, carol]) {
      const connection = await h.connect(intruder);
      for (const prompt of ["What did I just ask?", "What was my previous question?"]) {
        const answer = await connection.ask(prompt, { conversationId });
        h.tally.attack("protocol/foreign_conversation_id");
        expect(answer.outcome).toBe("done");
        expect(answer.text).not.toContain(marker);
      }
      expect(connection.frames.some((f) => f.raw.includes(marker))).toBe(false);
    }
  });
});

describe("bad frames", () => {
  it("malformed frames get bad_request and the connection stays usable", async () => {
    const h = harness();
    const [alice] = sameTenantPair();
    const connection = await h.connect(alice);
    const valid = { action: "ask", answerId: answerIdFor(alice.sub), conversationId: "c1", prompt: "hi" };
    const frames: Array<[string, string]> = [
      ["not_json", "this is not json"],
      ["truncated_json", '{"action":"ask","prompt":"hi"'],
      ["array", "[]"],
      ["null", "null"],
      ["number", "42"],
      ["empty_object", "{}"],
      ["ask_without_fields", '{"action":"ask"}'],
      ["bad_answer_id", JSON.stringify({ ...valid, answerId: "x" })],
      ["answer_id_injection", JSON.stringify({ ...valid, answerId: `${alice.sub}.a/../b` })],
      ["bad_conversation_id", JSON.stringify({ ...valid, conversationId: "../../other-user" })],
      ["empty_prompt", JSON.stringify({ ...valid, prompt: "" })],
      ["prompt_too_long", JSON.stringify({ ...valid, prompt: "x".repeat(4001) })],
      ["prompt_not_string", JSON.stringify({ ...valid, prompt: { text: "hi" } })],
      ["smuggled_tenant_field", JSON.stringify({ ...valid, tenantId: otherTenantUser().tenantId })],
      ["smuggled_user_field", JSON.stringify({ ...valid, userId: otherTenantUser().sub })],
      ["proto_pollution", `{"action":"ask","answerId":"${valid.answerId}","conversationId":"c1","prompt":"hi","__proto__":{"admin":true}}`],
      ["ping_with_extra", '{"action":"ping","tenantId":"tenant2"}'],
    ];
    for (const [name, frame] of frames) {
      const error = await connection.expectError(frame);
      h.tally.attack("protocol/malformed_frame");
      expect({ name, code: error.code }).toEqual({ name, code: "bad_request" });
      expect(error.message.length).toBeGreaterThan(0);
    }
    // A bad frame whose answerId is readable gets its error paired with that answerId.
    const paired = await connection.ask("", { answerId: answerIdFor(alice.sub) });
    expect(paired.errorCode).toBe("bad_request");
    await expectUsable(connection, alice);
  });

  it("unknown actions get bad_request and the connection stays usable", async () => {
    const h = harness();
    const [alice] = sameTenantPair();
    const connection = await h.connect(alice);
    const actions: unknown[] = ["deleteAll", "$connect", "$disconnect", "$default", "ASK", "ask ", "__proto__", "constructor", ["ask"], { ask: 1 }, 1, null];
    for (const action of actions) {
      const error = await connection.expectError(JSON.stringify({ action, prompt: "List my orders" }));
      h.tally.attack("protocol/unknown_action");
      expect({ action, code: error.code }).toEqual({ action, code: "bad_request" });
    }
    await expectUsable(connection, alice);
  });

  it("a message over 32 KB sent in frames under the frame limit gets bad_request; the connection stays usable", async () => {
    const h = harness();
    const [alice] = sameTenantPair();
    const connection = await h.connect(alice);
    const big = JSON.stringify({ action: "ask", answerId: answerIdFor(alice.sub), conversationId: "c1", prompt: "y".repeat(40_000) });
    const next = connection.waitFor((f) => f.event?.type === "error", 15_000, "bad_request for the oversize message");
    connection.sendRaw(big.slice(0, 20_000), { fin: false });
    connection.sendRaw(big.slice(20_000), { fin: true });
    const error = (await next).event;
    h.tally.attack("protocol/oversize_message");
    expect(error).toMatchObject({ type: "error", code: "bad_request" });
    await expectUsable(connection, alice);
  });

  it("a frame over 32 KB, or a message over 128 KB, closes the connection as API Gateway does (1009); a new one works", async () => {
    const h = harness();
    const [alice] = sameTenantPair();
    const single = await h.connect(alice);
    single.sendRaw(JSON.stringify({ action: "ping", pad: "z".repeat(33 * 1024) }));
    expect((await single.closed()).code).toBe(1009);
    h.tally.attack("protocol/oversize_frame");

    const fragmented = await h.connect(alice);
    const huge = "w".repeat(130 * 1024);
    for (let offset = 0; offset < huge.length; offset += 26 * 1024) {
      fragmented.sendRaw(huge.slice(offset, offset + 26 * 1024), { fin: offset + 26 * 1024 >= huge.length });
    }
    expect((await fragmented.closed()).code).toBe(1009);
    h.tally.attack("protocol/oversize_message");

    await expectUsable(await h.connect(alice), alice);
  });

  it("a binary frame is refused (closed or bad_request), never answered", async () => {
    const h = harness();
    const [alice] = sameTenantPair();
    const connection = await h.connect(alice);
    const answerId = answerIdFor(alice.sub);
    const outcome = Promise.race([
      connection.closed().then((c) => `closed:${c.code}`),
      connection.waitFor((f) => f.event?.type === "error").then((f) => `error:${(f.event as { code: string }).code}`),
    ]);
    connection.sendRaw(Buffer.from(JSON.stringify({ action: "ask", answerId, conversationId: "c1", prompt: "List my orders" })), { binary: true });
    expect(await outcome).toMatch(/^(closed:1003|error:bad_request)$/);
    h.tally.attack("protocol/binary_frame");
    expect(connection.frames.some((f) => f.event?.type === "chunk")).toBe(false);
    await expectUsable(await h.connect(alice), alice);
  });
});

describe("load and cross-delivery", () => {
  it("flooding one connection: every one of a bounded burst of asks ends with done or error", async () => {
    const h = harness();
    const [alice] = sameTenantPair();
    const connection = await h.connect(flooder);
    const burst = 30;
    const answers = await Promise.all(Array.from({ length: burst }, (_, i) => connection.ask(i % 2 ? "List my orders" : "What is the return policy?", { timeoutMs: 60_000 })));
    h.tally.attack("protocol/flood", burst);
    for (const answer of answers) {
      expect(["done", "error"]).toContain(answer.outcome);
      if (answer.outcome === "error") expect(["throttled", "agent_error"]).toContain(answer.errorCode);
    }
    const served = answers.filter((a) => a.outcome === "done").length;
    h.tally.honest(served);
    expect(served).toBeGreaterThan(0);
    // The flooder may have spent this minute's allowance (throttled is then the right
    // answer to one more ask: rate-limit.test.ts), so the connection shows it is still
    // usable with a ping, and another user of the same tenant is served as usual.
    await connection.ping();
    await expectUsable(await h.connect(alice), alice);
  });

  it("100 concurrent connections across tenants: each gets only its own answers and its own canary", async () => {
    const h = harness();
    const connections = await inBatches(Array.from({ length: 100 }, (_, i) => users[i % users.length]), 20, async (user) => ({ user, connection: await h.connect(user) }));
    expect(connections).toHaveLength(100);
    const answers = await inBatches(connections, 50, async ({ user, connection }) => ({ user, answer: await connection.ask("List my orders", { timeoutMs: 90_000 }) }));
    h.tally.attack("protocol/concurrent_cross_delivery", answers.length);
    for (const { user, answer } of answers) {
      expect(answer.outcome).toBe("done");
      expect(answer.text).toContain(user.orders[0].canary);
    }
    h.tally.honest(answers.length);
    expect(h.leaks()).toEqual([]);
    await Promise.all(connections.map(({ connection }) => connection.close()));
  });

  it("no event for one user ever arrived on another user's connection, same tenant or not", () => {
    expect(harness().leaks()).toEqual([]);
  });
});
