/** Subprotocol negotiation: the app protocol when offered, never the token. */
import { connectResponseHeaders, offeredSubprotocols } from "../../../../lambdas/chat/subprotocol";
import { headerValues } from "../../../../lambdas/chat/websocket-event";
import { APP_PROTOCOL, FAKE_JWT, wsEvent } from "./fixtures";

describe("subprotocol", () => {
  it("splits and trims offered protocols", () => {
    expect(offeredSubprotocols([`${APP_PROTOCOL} , ${FAKE_JWT}`, "x"])).toEqual([APP_PROTOCOL, FAKE_JWT, "x"]);
  });

  it("chooses the app protocol, never the token", () => {
    expect(connectResponseHeaders([`${APP_PROTOCOL}, ${FAKE_JWT}`], APP_PROTOCOL)).toEqual({
      "Sec-WebSocket-Protocol": APP_PROTOCOL,
    });
    expect(connectResponseHeaders([FAKE_JWT], APP_PROTOCOL)).toBeUndefined();
    expect(connectResponseHeaders([], APP_PROTOCOL)).toBeUndefined();
  });

  it("reads multi-value headers case-insensitively", () => {
    const event = { ...wsEvent("$connect"), multiValueHeaders: { "SEC-WEBSOCKET-PROTOCOL": [APP_PROTOCOL, FAKE_JWT] } };
    expect(headerValues(event, "Sec-WebSocket-Protocol")).toEqual([APP_PROTOCOL, FAKE_JWT]);
  });
});
