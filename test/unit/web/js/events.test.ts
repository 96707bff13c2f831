import { accepted, chunk, done, errorEvent, pong, status } from "../../../../lambdas/shared/protocol";
import { parseServerEvent } from "../../../../web/js/events.js";

const A = "6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b.abc";

describe("parseServerEvent", () => {
  it.each([
    accepted(A),
    status(A, "Looking up your orders"),
    chunk(A, "You have 2 orders."),
    done(A),
    errorEvent("throttled", "slow down", A),
    errorEvent("bad_request", "message is not valid JSON"),
    pong(),
  ])("reads the server's own %j event", (event) => {
    expect(parseServerEvent(JSON.stringify(event))).toEqual({ ok: true, event });
  });

  it.each([
    [new ArrayBuffer(2), "frame is not text"],
    ["{", "frame is not JSON"],
    ["[]", "frame is not an object"],
    ["null", "frame is not an object"],
    ['{"type":"surprise"}', "unknown event type"],
    ['{"type":"chunk","answerId":"x"}', "chunk without text"],
    ['{"type":"chunk","text":"x"}', "chunk without answerId"],
    ['{"type":"done"}', "done without answerId"],
    ['{"type":"error","answerId":5,"code":"internal","message":""}', "error with a non-string answerId"],
  ])("reports %p as not understood", (frame, reason) => {
    expect(parseServerEvent(frame)).toEqual({ ok: false, reason });
  });

  it("keeps only the known fields and fills a missing error code", () => {
    expect(parseServerEvent(JSON.stringify({ type: "chunk", answerId: A, text: "t", extra: "<b>" }))).toEqual({
      ok: true,
      event: { type: "chunk", answerId: A, text: "t" },
    });
    expect(parseServerEvent('{"type":"error"}')).toEqual({ ok: true, event: { type: "error", code: "internal", message: "" } });
  });
});
