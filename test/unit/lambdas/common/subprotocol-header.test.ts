/**
 * Reading the offered subprotocols as both the authorizer and the `$connect` route see
 * them: header name in any casing, repeated lines in multiValueHeaders, whitespace.
 */
import {
  offeredSubprotocols,
  splitSubprotocols,
  subprotocolHeader,
} from "../../../../lambdas/common/subprotocol-header";

const PROTOCOL = "mta.v1";
const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

describe("subprotocolHeader", () => {
  it.each([
    ["the canonical casing", { "Sec-WebSocket-Protocol": `${PROTOCOL}, ${TOKEN}` }],
    ["lower case", { "sec-websocket-protocol": `${PROTOCOL}, ${TOKEN}` }],
    ["upper case", { "SEC-WEBSOCKET-PROTOCOL": `${PROTOCOL}, ${TOKEN}` }],
  ])("finds the header in %s", (_label, headers) => {
    expect(subprotocolHeader(headers)).toBe(`${PROTOCOL}, ${TOKEN}`);
  });

  it("joins repeated header lines from multiValueHeaders, which take precedence", () => {
    const multi = { "sec-websocket-protocol": [PROTOCOL, TOKEN] };
    expect(subprotocolHeader({ "Sec-WebSocket-Protocol": TOKEN }, multi)).toBe(`${PROTOCOL},${TOKEN}`);
  });

  it("falls back to headers when multiValueHeaders lack the header", () => {
    expect(subprotocolHeader({ "Sec-WebSocket-Protocol": PROTOCOL }, { Host: ["x"], "Sec-WebSocket-Protocol": [] })).toBe(PROTOCOL);
  });

  it("ignores a header value that is not a string, and a multi-value entry that is not a list", () => {
    const headers = { "Sec-WebSocket-Protocol": 7 } as unknown as Record<string, string>;
    const multi = { "Sec-WebSocket-Protocol": PROTOCOL } as unknown as Record<string, string[]>;
    expect(subprotocolHeader(headers)).toBeUndefined();
    expect(subprotocolHeader(null, multi)).toBeUndefined();
  });

  it.each([
    ["no maps", undefined, undefined],
    ["null maps", null, null],
    ["other headers only", { Host: "x" }, { Host: ["x"] }],
  ])("is undefined with %s", (_label, headers, multi) => {
    expect(subprotocolHeader(headers, multi)).toBeUndefined();
  });
});

describe("splitSubprotocols", () => {
  it("splits on commas, trims whitespace and drops empty entries, keeping the order", () => {
    expect(splitSubprotocols(`  ${PROTOCOL} ,\t${TOKEN} ,, x `)).toEqual([PROTOCOL, TOKEN, "x"]);
    expect(splitSubprotocols(" , ")).toEqual([]);
  });
});

describe("offeredSubprotocols", () => {
  it("lists what the client offered, across header lines", () => {
    expect(offeredSubprotocols({}, { "SEC-WEBSOCKET-PROTOCOL": [`${PROTOCOL} `, ` ${TOKEN}`] })).toEqual([PROTOCOL, TOKEN]);
    expect(offeredSubprotocols({ "sec-websocket-protocol": `${PROTOCOL},${TOKEN}` })).toEqual([PROTOCOL, TOKEN]);
  });

  it("is empty without the header", () => {
    expect(offeredSubprotocols({ Host: "x" })).toEqual([]);
  });
});
