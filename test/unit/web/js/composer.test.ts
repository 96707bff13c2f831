import { checkPrompt, PROMPT_MAX_CHARS } from "../../../../web/js/chat.js";
import { promptCounter, tooLongMessage } from "../../../../web/js/composer.js";
import { PROMPT_MAX_CHARS as SERVER_MAX } from "../../../../lambdas/common/protocol";

describe("promptCounter", () => {
  it("counts what would be sent, against the server's limit", () => {
    expect(PROMPT_MAX_CHARS).toBe(SERVER_MAX);
    expect(promptCounter("")).toEqual({ length: 0, state: "ok", text: "0 / 4000", live: "off" });
    expect(promptCounter("  hi  \n")).toMatchObject({ length: 2, text: "2 / 4000" });
    expect(promptCounter(undefined)).toMatchObject({ length: 0 });
  });

  it("warns and is announced near the limit, and says how many are too many over it", () => {
    expect(promptCounter("x".repeat(3599))).toMatchObject({ state: "ok", live: "off" });
    expect(promptCounter("x".repeat(3600))).toMatchObject({ state: "near", live: "polite" });
    expect(promptCounter("x".repeat(3980))).toEqual({ length: 3980, state: "near", text: "3980 / 4000", live: "polite" });
    expect(promptCounter("x".repeat(4000))).toMatchObject({ state: "near", text: "4000 / 4000" });
    expect(promptCounter("x".repeat(5000))).toEqual({ length: 5000, state: "over", text: "5000 / 4000 · 1000 too many", live: "polite" });
  });

  it("agrees with checkPrompt on where the limit is", () => {
    for (const n of [3999, 4000, 4001]) {
      const text = "y".repeat(n);
      expect(promptCounter(text).state === "over").toBe(!checkPrompt(text).ok);
    }
  });
});

describe("tooLongMessage", () => {
  it("says how long the question is and how much to cut", () => {
    expect(tooLongMessage("x".repeat(5000))).toBe("That question is too long: 5000 characters, 4000 at most. Shorten it by 1000 and send again.");
  });
});
