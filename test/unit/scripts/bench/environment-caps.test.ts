import { BenchArgumentError } from "../../../../scripts/bench/bench-args";
import { defaultEnvironmentCaps, describeEnvironmentCaps, parseEnvironmentCaps } from "../../../../scripts/bench/environment-caps";

describe("defaultEnvironmentCaps", () => {
  it("gives every function one environment per core, at least 2, and the chat function one more", () => {
    expect(defaultEnvironmentCaps(2)).toEqual({ perFunction: 2, byFunction: { chat: 3 } });
    expect(defaultEnvironmentCaps(1)).toEqual({ perFunction: 2, byFunction: { chat: 3 } });
    expect(defaultEnvironmentCaps(8)).toEqual({ perFunction: 8, byFunction: { chat: 9 } });
  });
});

describe("parseEnvironmentCaps", () => {
  it("keeps the default when the option is not given", () => {
    expect(parseEnvironmentCaps(undefined, 2)).toEqual({ perFunction: 2, byFunction: { chat: 3 } });
  });

  it("reads one number as every function's cap, the chat function's included", () => {
    expect(parseEnvironmentCaps("2", 2)).toEqual({ perFunction: 2, byFunction: {} });
    expect(parseEnvironmentCaps("4", 2)).toEqual({ perFunction: 4, byFunction: {} });
  });

  it("reads name=N as one function's cap over the default, and both together", () => {
    expect(parseEnvironmentCaps("chat=4", 2)).toEqual({ perFunction: 2, byFunction: { chat: 4 } });
    expect(parseEnvironmentCaps("action-group=1", 2)).toEqual({ perFunction: 2, byFunction: { chat: 3, "action-group": 1 } });
    expect(parseEnvironmentCaps("1, chat=2", 2)).toEqual({ perFunction: 1, byFunction: { chat: 2 } });
  });

  it.each([
    ["0", /the number for every function must be a whole number of at least 1, got "0"/],
    ["1.5", /got "1.5"/],
    ["two", /got "two"/],
    ["", /got ""/],
    ["2,3", /one number for every function at most/],
    ["chats=3", /no function named "chats" \(functions: authorizer, chat, action-group, offboarding\)/],
    ["chat=0", /chat must be a whole number of at least 1, got "0"/],
    ["chat=", /chat must be a whole number/],
    ["chat=2,chat=3", /chat given twice/],
  ])("refuses %j with a specific error", (text, message) => {
    expect(() => parseEnvironmentCaps(text, 2)).toThrow(BenchArgumentError);
    expect(() => parseEnvironmentCaps(text, 2)).toThrow(message);
  });
});

describe("describeEnvironmentCaps", () => {
  it("names the functions with a cap of their own, then the rest", () => {
    expect(describeEnvironmentCaps({ perFunction: 2, byFunction: { chat: 3 } })).toBe("chat 3, others 2");
    expect(describeEnvironmentCaps({ perFunction: 2, byFunction: {} })).toBe("every function 2");
  });
});
