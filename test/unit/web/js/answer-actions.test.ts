import { answerActions, copyText } from "../../../../web/js/answer-actions.js";
import type { Answer } from "../../../../web/js/answers.js";

const answer = (over: Partial<Answer>): Answer => ({ answerId: "s.a", phase: "working", statuses: [], text: "", ...over });

describe("answerActions", () => {
  it.each([
    [answer({ phase: "sending" }), ["stop"]],
    [answer({ phase: "streaming", text: "x" }), ["stop"]],
    [answer({ phase: "streaming", stopRequested: true }), ["stopping"]],
    [answer({ phase: "done", text: "x" }), ["copy"]],
    [answer({ phase: "done" }), []],
    [answer({ phase: "stopped", text: "x" }), ["copy", "retry"]],
    [answer({ phase: "error", error: { code: "no_reply", message: "" } }), ["retry"]],
    [answer({ phase: "error", text: "partial", error: { code: "connection_lost", message: "" } }), ["copy", "retry"]],
  ])("%o offers %o", (a, actions) => {
    expect(answerActions(a)).toEqual(actions);
  });
});

describe("copyText", () => {
  it("uses the Clipboard API when the page may", async () => {
    const writeText = jest.fn(async () => undefined);
    await expect(copyText("**hi**", { clipboard: { writeText }, doc: {} as Document })).resolves.toBe(true);
    expect(writeText).toHaveBeenCalledWith("**hi**");
  });

  it("falls back to the copy command when the API is missing or refuses", async () => {
    const selected: string[] = [];
    const area = { value: "", style: {}, setAttribute: () => undefined, select: () => selected.push(area.value), remove: jest.fn() };
    const doc = {
      activeElement: null,
      createElement: () => area,
      body: { append: () => undefined },
      execCommand: jest.fn(() => true),
    } as unknown as Document;
    const refusing = { writeText: async () => Promise.reject(new Error("NotAllowedError")) };
    for (const clipboard of [undefined, refusing]) {
      await expect(copyText("answer", { clipboard, doc })).resolves.toBe(true);
    }
    expect(selected).toEqual(["answer", "answer"]);
    expect(doc.execCommand).toHaveBeenCalledWith("copy");
    expect(area.remove).toHaveBeenCalledTimes(2);
    (doc.execCommand as jest.Mock).mockImplementation(() => false);
    await expect(copyText("answer", { clipboard: undefined, doc })).resolves.toBe(false);
  });
});
