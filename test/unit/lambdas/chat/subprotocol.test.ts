/** Subprotocol negotiation on `$connect`: the app protocol when offered, never the token. */
import { connectResponseHeaders } from "../../../../lambdas/chat/subprotocol";
import { APP_PROTOCOL, FAKE_JWT } from "./fixtures";

describe("connectResponseHeaders", () => {
  it("chooses the app protocol, never the token", () => {
    const headers = connectResponseHeaders([APP_PROTOCOL, FAKE_JWT], APP_PROTOCOL);
    expect(headers).toEqual({ "Sec-WebSocket-Protocol": APP_PROTOCOL });
    expect(JSON.stringify(headers)).not.toContain(FAKE_JWT);
  });

  it("chooses the app protocol wherever it stands in the offer", () => {
    expect(connectResponseHeaders(["other.v2", APP_PROTOCOL], APP_PROTOCOL)).toEqual({ "Sec-WebSocket-Protocol": APP_PROTOCOL });
  });

  it.each([
    ["only a token", [FAKE_JWT]],
    ["nothing", []],
    ["a protocol with the app protocol as prefix", [`${APP_PROTOCOL}x`]],
  ])("answers no header when the offer is %s", (_label, offered) => {
    expect(connectResponseHeaders(offered, APP_PROTOCOL)).toBeUndefined();
  });
});
