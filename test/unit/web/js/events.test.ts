import { accepted, chunk, citations, done, doneStopped, errorEvent, pong, status, stopping } from "../../../../lambdas/common/server-events";
import { isPong, parseServerEvent } from "../../../../web/js/events.js";

const A = "6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b.abc";

describe("parseServerEvent", () => {
  it.each([
    accepted(A),
    status(A, "Looking up your orders"),
    chunk(A, "You have 2 orders."),
    citations(A, ["catalogue.md", "faq.txt"]),
    done(A),
    done(A, "Returns are accepted within 30 days."),
    doneStopped(A),
    doneStopped(A, "and the rest"),
    stopping(A),
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
    [`{"type":"done","answerId":"${A}","text":7}`, "done with a non-string text"],
    ['{"type":"stopping"}', "stopping without answerId"],
    ['{"type":"citations","documents":["a.md"]}', "citations without answerId"],
    [`{"type":"citations","answerId":"${A}","documents":"a.md"}`, "citations without a list of document names"],
    [`{"type":"citations","answerId":"${A}","documents":[1]}`, "citations without a list of document names"],
    ['{"type":"error","answerId":5,"code":"internal","message":""}', "error with a non-string answerId"],
  ])("reports %p as not understood", (frame, reason) => {
    expect(parseServerEvent(frame)).toEqual({ ok: false, reason });
  });

  it("keeps at most 10 citations of at most 100 characters each", () => {
    const documents = Array.from({ length: 15 }, (_, i) => `${"x".repeat(120)}${i}.md`);
    const parsed = parseServerEvent(JSON.stringify({ type: "citations", answerId: A, documents }));
    expect(parsed.ok && parsed.event.type === "citations" && parsed.event.documents.map((d) => d.length)).toEqual(Array(10).fill(100));
  });

  it("keeps only the known fields and fills a missing error code", () => {
    expect(parseServerEvent(JSON.stringify({ type: "chunk", answerId: A, text: "t", extra: "<b>" }))).toEqual({
      ok: true,
      event: { type: "chunk", answerId: A, text: "t" },
    });
    expect(parseServerEvent('{"type":"error"}')).toEqual({ ok: true, event: { type: "error", code: "internal", message: "" } });
  });
});

describe("isPong", () => {
  it("is true for the server's pong only", () => {
    expect(isPong(JSON.stringify(pong()))).toBe(true);
    expect(isPong(JSON.stringify(chunk(A, "pong")))).toBe(false);
    expect(isPong(JSON.stringify(chunk(A, '"pong"')))).toBe(false);
    expect(isPong(JSON.stringify(accepted(A)))).toBe(false);
    expect(isPong('{"type":"pong"')).toBe(false);
    expect(isPong(undefined)).toBe(false);
  });
});
