/**
 * The leak detector must be able to fail: planted leaks of each kind are found, and a
 * connection's own data and its own echoed answerIds are not leaks. Pure (no stack use).
 */
import { findLeaks, type WatchedConnection } from "./support/leak-watch";

const alice = { sub: "11111111-1111-4111-8111-111111111111", tenantId: "tenant1", username: "alice" };
const bob = { sub: "22222222-2222-4222-8222-222222222222", tenantId: "tenant2", username: "bob" };
const canaries = new Map([
  [alice.sub, ["CANARYALICE"]],
  [bob.sub, ["CANARYBOB"]],
]);
const frame = (event: Record<string, unknown>) => ({ raw: JSON.stringify(event), event: event as never });

describe("leak detector", () => {
  it("accepts a connection's own canary and its own answerIds (including echoed foreign-prefixed ones it sent)", () => {
    const own = `${alice.sub}.a1`;
    const probe = `${bob.sub}.probe`;
    const connection: WatchedConnection = {
      owner: alice,
      sentAnswerIds: new Set([own, probe]),
      frames: [frame({ type: "chunk", answerId: own, text: "Order CANARYALICE" }), frame({ type: "error", answerId: probe, code: "forbidden", message: "no" }), frame({ type: "pong" })],
    };
    expect(findLeaks([connection], canaries)).toEqual([]);
  });

  it("finds another user's canary, an event for an answerId this connection never sent, and secret material", () => {
    const connection: WatchedConnection = {
      owner: alice,
      sentAnswerIds: new Set([`${alice.sub}.a1`]),
      frames: [
        frame({ type: "chunk", answerId: `${alice.sub}.a1`, text: "Order CANARYBOB" }),
        frame({ type: "done", answerId: `${bob.sub}.b1` }),
        frame({ type: "chunk", answerId: `${alice.sub}.a1`, text: "ASIAABCDEFGHIJKLMNOP" }),
        frame({ type: "chunk", answerId: `${alice.sub}.a1`, text: '{"sessionToken":"x"}' }),
      ],
    };
    expect(findLeaks([connection], canaries).map((l) => l.kind)).toEqual(["foreign_canary", "foreign_event", "secret_material", "secret_material"]);
  });
});
