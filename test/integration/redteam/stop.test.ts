/**
 * Stopping an answer (I16): the asker's `stop` ends the answer mid-stream with `done`
 * `stopped` and no chunk after it (the answer step, another invocation, sees the marker
 * and closes the agent stream); stopping another user's answerId is `forbidden` and
 * their answer streams to its end; nothing of one user reaches another.
 */
import { stackIsLocal } from "../../support/stack/outputs";
import type { TestUser } from "../../support/stack/test-users";
import { answerIdFor, newId } from "../../../scripts/stack-client/ws-client";
import { SLOW_MARKER } from "../../../local/bedrock/agent-runtime";
import { useHarness } from "./support/harness";

jest.setTimeout(60_000);

const IS_LOCAL = stackIsLocal();
const localIt = IS_LOCAL ? it : it.skip;
if (!IS_LOCAL) {
  process.stdout.write("stop: mid-answer stop SKIPPED (needs the local agent's slow-answer hook to be sure an answer is still streaming)\n");
}

let users: TestUser[] = [];
const harness = useHarness("stop", async (h) => {
  users = await h.users.createPerTenant({ perTenant: 2, orders: 1, tag: "sp" });
  if (!IS_LOCAL) h.tally.skipped("mid-answer stop (local only)");
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sameTenantPair = () => users.filter((u) => u.tenantId === users[0].tenantId).slice(0, 2) as [TestUser, TestUser];

describe("stop", () => {
  localIt("the asker's stop ends the answer mid-stream: done stopped, and no chunk after it", async () => {
    const h = harness();
    const [alice] = users;
    const connection = await h.connect(alice);
    const answerId = answerIdFor(alice.sub);
    const collected = connection.collect(answerId, 30_000);
    const firstChunk = connection.waitFor((f) => f.event?.type === "chunk" && f.event.answerId === answerId, 15_000, "the first chunk");
    const stopReply = connection.waitFor((f) => f.event?.type === "stopping" && f.event.answerId === answerId, 15_000, "stopping");
    connection.send({ action: "ask", answerId, conversationId: newId(), prompt: `${SLOW_MARKER} tell me something long` });
    await firstChunk;
    const stoppedAt = Date.now();
    connection.send({ action: "stop", answerId });
    await stopReply;
    const answer = await collected;

    expect(answer.outcome).toBe("done");
    const last = answer.events[answer.events.length - 1];
    // Any text that arrived before the stop and no chunk carried rides in it.
    expect(last).toMatchObject({ type: "done", answerId, stopped: true });
    // Stopped well before the end: the slow answer has ~17 words 400 ms apart.
    const chunks = answer.events.filter((e) => e.type === "chunk");
    expect(chunks.length).toBeGreaterThanOrEqual(1);
    expect(chunks.length).toBeLessThan(12);
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    // Nothing more arrives for it once it ended.
    const framesAtEnd = connection.frames.length;
    await sleep(1_500);
    expect(connection.frames.slice(framesAtEnd).filter((f) => f.event && "answerId" in f.event && f.event.answerId === answerId)).toEqual([]);
    // The connection keeps working, and the next answer is complete.
    const next = await connection.ask("List my orders");
    expect(next.outcome).toBe("done");
    expect(next.events[next.events.length - 1]).toMatchObject({ type: "done", answerId: next.answerId });
    expect(next.events[next.events.length - 1]).not.toHaveProperty("stopped");
    expect(next.text).toContain(alice.orders[0].canary);
    h.tally.honest();
  });

  it("stopping another user's answerId is forbidden, and their answer streams to its end", async () => {
    const h = harness();
    const [alice, bob] = sameTenantPair();
    const [a, b] = [await h.connect(alice), await h.connect(bob)];
    const bobsAnswerId = answerIdFor(bob.sub);
    const bobsAnswer = b.collect(bobsAnswerId, 30_000);
    b.send({ action: "ask", answerId: bobsAnswerId, conversationId: newId(), prompt: `${IS_LOCAL ? SLOW_MARKER : ""} List my orders`.trim() });
    await b.waitFor((f) => f.event?.type === "accepted" && f.event.answerId === bobsAnswerId, 15_000, "accepted");

    const refusal = a.waitFor((f) => f.event?.type === "error", 15_000, "the refusal");
    a.send({ action: "stop", answerId: bobsAnswerId });
    h.tally.attack("protocol/stop_foreign_answer");
    expect((await refusal).event).toEqual({
      type: "error",
      answerId: bobsAnswerId,
      code: "forbidden",
      message: "answerId must start with your own user id",
    });

    const answer = await bobsAnswer;
    expect(answer.outcome).toBe("done");
    expect(answer.events[answer.events.length - 1]).toEqual({ type: "done", answerId: bobsAnswerId });
    expect(answer.text).toContain(bob.orders[0].canary);
    // Alice got nothing but her refusal.
    expect(a.frames.map((f) => f.event?.type)).toEqual(["error"]);
    h.tally.honest();
  });

  it("nothing of another user reached any connection", () => {
    expect(harness().leaks()).toEqual([]);
  });
});
