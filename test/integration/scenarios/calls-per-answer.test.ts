/**
 * AWS calls per answer, counted by the local stand-ins (GET /calls on the control server):
 * deterministic, so asserted here, while times are only benchmarked (npm run bench).
 *
 * - The connection's owner is read by the ask route, the answer step and the action group
 *   only in an execution environment that does not know it yet (I6: an owner read once is
 *   the owner for the connection's life), so never more than once each per answer, never
 *   per chunk, and not at all once the environments know it.
 * - The answer is coalesced: chunk events + done ≤ 2 + ceil(duration / 100 ms), here with the
 *   stand-in's default pacing (a streaming answer of a couple of seconds), and its last text
 *   rides in `done`: the one-line answer, whose agent stream ends with its only chunk, is
 *   one `done` carrying all of it (lambdas/chat/chunk-coalescer.ts).
 * - An answer mints credentials at most once (none in an environment that has them cached,
 *   I3) and calls the agent once.
 * - Metering costs three UpdateItem (the counters) and one PutItem (the record) per answer (I22).
 * - An InvokeAgent the agent refused before processing it (REFUSED_STREAM) is sent again,
 *   once, and the answer comes once: its tool runs once, it is metered once (T48).
 * - A frame's one reply (`accepted`, `pong`) is the route response API Gateway sends back on
 *   the two-way routes, not a PostToConnection: the short answer posts 2 events (status,
 *   done with the text), the long one 2 + its chunk events.
 * Local only: an AWS stack has no call counts to read.
 */
import { splitIntoChunks } from "../../../local/bedrock/agent-planner";
import { getCallCounts, getHealth } from "../../../local/redteam/control-server";
import { callsOf, countsSince, type CallCounts } from "../../../local/runtime/call-counter";
import { LOCAL_ONLY, stackHasControls } from "../../support/stack/outputs";
import type { TestUser } from "../../support/stack/test-users";
import type { StackConnection } from "../../../scripts/stack-client/ws-client";
import { useHarness } from "../redteam/support/harness";

jest.setTimeout(120_000);

const HAS_CONTROLS = stackHasControls();
const localIt = HAS_CONTROLS ? it : it.skip;
if (!HAS_CONTROLS) process.stdout.write(`calls-per-answer: ${LOCAL_ONLY}\n`);

const LONG_ORDERS = 28;
let user: TestUser;
const harness = useHarness("calls-per-answer", async (h) => {
  const tenant = h.stack.tenants[0];
  user = await h.users.create(tenant.id, "calls-long", LONG_ORDERS);
});

async function counts(): Promise<CallCounts> {
  const outputs = harness().stack.outputs;
  return getCallCounts(outputs.endpoints!.control!, outputs.controlToken!);
}

/** One answer's calls: settles first, so stray calls of earlier test files are not counted. */
async function countedAnswer(connection: StackConnection, prompt: string) {
  await new Promise((resolve) => setTimeout(resolve, 500));
  const before = await counts();
  const started = Date.now();
  const answer = await connection.ask(prompt);
  const durationMs = Date.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { answer, durationMs, calls: countsSince(await counts(), before) };
}

describe("calls per answer (local stand-ins' counts)", () => {
  localIt("runs against a stack whose IAM gate is enforced and has no benchmark switch", async () => {
    const outputs = harness().stack.outputs;
    expect(await getHealth(outputs.endpoints!.control!, outputs.controlToken!)).toEqual({ ok: true, iamGate: "enforced" });
  });

  localIt("reads the connection's owner at most once per step of an answer, whatever its length, and coalesces chunks", async () => {
    const h = harness();
    const connectionsTable = `GetItem:${h.stack.outputs.connectionsTableName}`;
    const usageUpdates = `UpdateItem:${h.stack.outputs.usageTableName}`;
    const usagePuts = `PutItem:${h.stack.outputs.usageTableName}`;
    const connection = await h.connect(user);
    expect((await connection.ask("What is the return policy?")).outcome).toBe("done");

    const short = await countedAnswer(connection, "What is the return policy?");
    const long = await countedAnswer(connection, "List my orders");
    for (const { answer } of [short, long]) expect(answer.outcome).toBe("done");
    for (const order of user.orders) expect(long.answer.text).toContain(order.orderId);
    h.tally.honest();

    for (const { answer, calls } of [short, long]) {
      // The owner: the ask route, the answer step and the action group (per status event)
      // only where their environment has not read it yet.
      expect(callsOf(calls, "dynamodb", connectionsTable)).toBeLessThanOrEqual(2 + answer.statuses.length);
      // At most one: each chat execution environment mints the user's scoped credentials once
      // and caches them (I3); which warm environment an invocation lands in is Lambda's choice.
      expect(callsOf(calls, "sts", "AssumeRole")).toBeLessThanOrEqual(1);
      expect(callsOf(calls, "bedrock", "InvokeAgent")).toBe(1);
      // ask route, answer step, one action-group call per tool.
      expect(callsOf(calls, "lambda", "Invoke")).toBe(2 + answer.statuses.length);
      // `accepted` came back as the ask route's route response, not as a post.
      expect(callsOf(calls, "apigateway", "RouteResponse:accepted")).toBe(1);
      expect(callsOf(calls, "apigateway", "RouteResponse")).toBe(1);
      expect(callsOf(calls, "apigateway", "PostToConnection:accepted")).toBe(0);
      // Metering (I22), for a tenant without a budget: three counters and the answer record.
      expect(callsOf(calls, "dynamodb", usageUpdates)).toBe(3);
      expect(callsOf(calls, "dynamodb", usagePuts)).toBe(1);
    }

    const streamed = callsOf(long.calls, "apigateway", "PostToConnection:chunk") + callsOf(long.calls, "apigateway", "PostToConnection:done");
    expect(long.answer.events.filter((e) => e.type === "chunk").length).toBeGreaterThan(1);
    expect(streamed).toBeLessThanOrEqual(2 + Math.ceil(long.durationMs / 100));
    // Far fewer messages than the pieces of text the agent streamed (local stand-in's split).
    expect(streamed).toBeLessThan(splitIntoChunks(long.answer.text).length / 2);
    // The one-line answer comes whole in `done`: no chunk event.
    expect(callsOf(short.calls, "apigateway", "PostToConnection:chunk")).toBe(0);
    expect(short.answer.events.at(-1)).toEqual({ type: "done", answerId: short.answer.answerId, text: short.answer.text });
    expect(short.answer.text).toContain("days");
    // status, done (was 3 with its text in a chunk of its own, 4 with `accepted` posted).
    expect(callsOf(short.calls, "apigateway", "PostToConnection")).toBe(2);
    await connection.close();
  });

  localIt("an InvokeAgent refused before processing (REFUSED_STREAM) is sent again once: one answer, its tool run once, metered once", async () => {
    const h = harness();
    const usagePuts = `PutItem:${h.stack.outputs.usageTableName}`;
    const connection = await h.connect(user);
    expect((await connection.ask("What is the return policy?")).outcome).toBe("done");
    // The stand-in resets the first request with this prompt (local/bedrock/agent-runtime.ts).
    const { answer, calls } = await countedAnswer(connection, "What is the return policy? [[refuse-stream-once]]");
    expect(answer.outcome).toBe("done");
    expect(answer.text).toContain("days");
    expect(answer.events.filter((e) => e.type === "done" || e.type === "error")).toHaveLength(1);
    expect(callsOf(calls, "bedrock", "InvokeAgent")).toBe(2);
    expect(answer.statuses).toHaveLength(1);
    expect(callsOf(calls, "lambda", "Invoke")).toBe(3);
    expect(callsOf(calls, "dynamodb", usagePuts)).toBe(1);
    h.tally.honest();
    await connection.close();
  });

  localIt("answers a ping with the route response alone: pong arrives, nothing is posted", async () => {
    const h = harness();
    const connection = await h.connect(user);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = await counts();
    await connection.ping();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const calls = countsSince(await counts(), before);
    expect(callsOf(calls, "apigateway", "RouteResponse:pong")).toBe(1);
    expect(callsOf(calls, "apigateway", "PostToConnection")).toBe(0);
    expect(callsOf(calls, "lambda", "Invoke")).toBe(1);
    await connection.close();
  });

  it("nothing of another user reached any connection", () => {
    expect(harness().leaks()).toEqual([]);
  });
});
