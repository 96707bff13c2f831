import { extractToken, rejectTokenInQuery } from "../../../../lambdas/authorizer/extract-token";
import { rejectionCode } from "./rejection-code";

const PROTOCOL = "mta.v1";
const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

const codeOf = rejectionCode;

describe("extractToken", () => {
  it("returns the token after the app protocol", () => {
    expect(extractToken({ "Sec-WebSocket-Protocol": `${PROTOCOL}, ${TOKEN}` }, PROTOCOL)).toBe(TOKEN);
  });

  it.each([
    ["lower-case name", { "sec-websocket-protocol": `${PROTOCOL}, ${TOKEN}` }],
    ["upper-case name", { "SEC-WEBSOCKET-PROTOCOL": `${PROTOCOL},${TOKEN}` }],
    ["extra whitespace", { "Sec-WebSocket-Protocol": `  ${PROTOCOL} ,\t${TOKEN}  ` }],
  ])("tolerates %s", (_label, headers) => {
    expect(extractToken(headers, PROTOCOL)).toBe(TOKEN);
  });

  it("reads repeated header lines from multiValueHeaders", () => {
    expect(extractToken({}, PROTOCOL, { "Sec-WebSocket-Protocol": [PROTOCOL, TOKEN] })).toBe(TOKEN);
    expect(extractToken(null, PROTOCOL, { "sec-websocket-protocol": [`${PROTOCOL}, ${TOKEN}`] })).toBe(TOKEN);
  });

  it("judges all repeated header lines together", () => {
    const multi = { "Sec-WebSocket-Protocol": [PROTOCOL, TOKEN, "extra"] };
    expect(codeOf(() => extractToken({ "Sec-WebSocket-Protocol": `${PROTOCOL}, ${TOKEN}` }, PROTOCOL, multi))).toBe("malformed_header");
  });

  it.each([
    ["no headers at all", undefined, "missing_token"],
    ["no subprotocol header", { Host: "x" }, "missing_token"],
    ["an empty header", { "Sec-WebSocket-Protocol": "  " }, "missing_token"],
    ["the app protocol alone", { "Sec-WebSocket-Protocol": PROTOCOL }, "missing_token"],
    ["the token alone", { "Sec-WebSocket-Protocol": TOKEN }, "wrong_protocol"],
    ["another app protocol", { "Sec-WebSocket-Protocol": `mta.v2, ${TOKEN}` }, "wrong_protocol"],
    ["the token first", { "Sec-WebSocket-Protocol": `${TOKEN}, ${PROTOCOL}` }, "wrong_protocol"],
    ["three entries", { "Sec-WebSocket-Protocol": `${PROTOCOL}, ${TOKEN}, extra` }, "malformed_header"],
    ["a garbled token", { "Sec-WebSocket-Protocol": `${PROTOCOL}, not-a-jwt` }, "malformed_token"],
    ["a token with a bad character", { "Sec-WebSocket-Protocol": `${PROTOCOL}, ${TOKEN}$` }, "malformed_token"],
    ["an oversized header", { "Sec-WebSocket-Protocol": `${PROTOCOL}, ${"a".repeat(20_000)}.b.c` }, "malformed_header"],
  ])("rejects %s", (_label, headers, code) => {
    expect(codeOf(() => extractToken(headers as Record<string, string> | undefined, PROTOCOL))).toBe(code);
  });

  it("never puts the token in the error message", () => {
    try {
      extractToken({ "Sec-WebSocket-Protocol": `other, ${TOKEN}` }, PROTOCOL);
      throw new Error("expected a rejection");
    } catch (error) {
      expect((error as Error).message).not.toContain(TOKEN);
    }
  });
});

describe("rejectTokenInQuery", () => {
  it("accepts a URL without a token", () => {
    expect(() => rejectTokenInQuery(null)).not.toThrow();
    expect(() => rejectTokenInQuery({ lang: "en" }, { lang: ["en"] })).not.toThrow();
  });

  it.each([
    ["?token=", { token: TOKEN }],
    ["?id_token=", { id_token: "x" }],
    ["?Authorization=", { Authorization: "Bearer x" }],
    ["a JWT under any name", { q: TOKEN }],
  ])("rejects %s", (_label, query) => {
    expect(codeOf(() => rejectTokenInQuery(query))).toBe("token_in_url");
  });

  it("rejects a JWT among repeated query values", () => {
    expect(codeOf(() => rejectTokenInQuery({}, { q: ["a", TOKEN] }))).toBe("token_in_url");
  });
});
