import {
  applyEvent,
  CONNECTION_LOST,
  createAnswer,
  failUnfinished,
  finishedStatus,
  routeEvent,
  unfinishedCount,
  type Answer,
} from "../../../../web/js/answers.js";

const A = "6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b.one";
const B = "6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b.two";

describe("applyEvent", () => {
  it("walks an answer through accepted, status, chunks and done", () => {
    let a = createAnswer(A);
    expect(a.phase).toBe("sending");
    a = applyEvent(a, { type: "accepted", answerId: A });
    expect(a.phase).toBe("working");
    a = applyEvent(a, { type: "status", answerId: A, text: "Looking up orders" });
    a = applyEvent(a, { type: "chunk", answerId: A, text: "You have " });
    a = applyEvent(a, { type: "status", answerId: A, text: "Checking returns" });
    a = applyEvent(a, { type: "chunk", answerId: A, text: "2 orders." });
    expect(a).toEqual({ answerId: A, phase: "streaming", statuses: ["Looking up orders", "Checking returns"], text: "You have 2 orders." });
    a = applyEvent(a, { type: "done", answerId: A });
    expect(a.phase).toBe("done");
  });

  it("takes a one-line answer delivered whole in done, and the last text of a longer one", () => {
    let one = applyEvent(createAnswer(A), { type: "accepted", answerId: A });
    one = applyEvent(one, { type: "done", answerId: A, text: "Returns are accepted within 30 days." });
    expect(one).toMatchObject({ phase: "done", text: "Returns are accepted within 30 days." });

    let long = applyEvent(createAnswer(A), { type: "chunk", answerId: A, text: "You have " });
    long = applyEvent(long, { type: "done", answerId: A, text: "2 orders." });
    expect(long).toMatchObject({ phase: "done", text: "You have 2 orders." });

    let stopped = applyEvent(createAnswer(A), { type: "chunk", answerId: A, text: "You have " });
    stopped = applyEvent(stopped, { type: "done", answerId: A, text: "2 ", stopped: true });
    expect(stopped).toMatchObject({ phase: "stopped", text: "You have 2 " });
  });

  it("keeps the cited document names of an answer (I18)", () => {
    let a = applyEvent(createAnswer(A), { type: "chunk", answerId: A, text: "We sell tents." });
    a = applyEvent(a, { type: "citations", answerId: A, documents: ["catalogue.md"] });
    a = applyEvent(a, { type: "done", answerId: A });
    expect(a).toMatchObject({ phase: "done", text: "We sell tents.", citations: ["catalogue.md"] });
  });

  it("does not mutate the previous state", () => {
    const before = createAnswer(A);
    applyEvent(before, { type: "chunk", answerId: A, text: "x" });
    expect(before).toEqual(createAnswer(A));
  });

  it("ignores events after the answer ended", () => {
    const ended = applyEvent(createAnswer(A), { type: "done", answerId: A });
    expect(applyEvent(ended, { type: "chunk", answerId: A, text: "late" })).toBe(ended);
    const failed = applyEvent(createAnswer(A), { type: "error", answerId: A, code: "throttled", message: "" });
    expect(failed).toMatchObject({ phase: "error", error: { code: "throttled" } });
    expect(applyEvent(failed, { type: "done", answerId: A })).toBe(failed);
  });

  it("a late accepted does not move a streaming answer back", () => {
    const streaming = applyEvent(createAnswer(A), { type: "chunk", answerId: A, text: "x" });
    expect(applyEvent(streaming, { type: "accepted", answerId: A })).toBe(streaming);
  });
});

describe("routeEvent", () => {
  const answers = new Map<string, Answer>([
    [A, createAnswer(A)],
    [B, createAnswer(B)],
  ]);

  it("routes each event to the answer its answerId names, leaving the others alone", () => {
    const route = routeEvent(answers, { type: "chunk", answerId: B, text: "for B" });
    expect(route).toEqual({ kind: "answer", answer: { ...createAnswer(B), phase: "streaming", text: "for B" } });
    expect(answers.get(A)).toEqual(createAnswer(A));
  });

  it("ignores events for answers we never asked", () => {
    expect(routeEvent(answers, { type: "chunk", answerId: "someone-else.x", text: "leak?" })).toEqual({ kind: "ignore" });
    expect(routeEvent(answers, { type: "done", answerId: "someone-else.x" })).toEqual({ kind: "ignore" });
  });

  it("turns errors that name no question of ours into a notice", () => {
    expect(routeEvent(answers, { type: "error", code: "bad_request", message: "message is not valid JSON" })).toEqual({
      kind: "notice",
      code: "bad_request",
      message: "message is not valid JSON",
    });
    expect(routeEvent(answers, { type: "error", answerId: "x.y", code: "forbidden", message: "" })).toMatchObject({ kind: "notice" });
  });

  it("recognises pong and drops no-op events", () => {
    expect(routeEvent(answers, { type: "pong" })).toEqual({ kind: "pong" });
    const done = new Map([[A, applyEvent(createAnswer(A), { type: "done", answerId: A })]]);
    expect(routeEvent(done, { type: "chunk", answerId: A, text: "late" })).toEqual({ kind: "ignore" });
  });
});

describe("failUnfinished", () => {
  it("fails every unfinished answer with connection_lost and keeps finished ones", () => {
    const finished = applyEvent(createAnswer(A), { type: "done", answerId: A });
    const streaming = applyEvent(createAnswer(B), { type: "chunk", answerId: B, text: "partial" });
    const answers = new Map([
      [A, finished],
      [B, streaming],
    ]);
    expect(unfinishedCount(answers)).toBe(1);
    const failed = failUnfinished(answers);
    expect(failed).toEqual([{ ...streaming, phase: "error", error: { code: CONNECTION_LOST, message: "" } }]);
  });
});

describe("finishedStatus", () => {
  it("drops the trailing ellipsis of a status line once its answer has ended", () => {
    expect(finishedStatus("Looking up your orders…")).toBe("Looking up your orders");
    expect(finishedStatus("Checking the policy ...")).toBe("Checking the policy");
    expect(finishedStatus("Done")).toBe("Done");
  });
});
