/** Recognising route events and reading their headers. */
import { isWebSocketEvent } from "../../../../lambdas/chat/websocket-event";
import { wsEvent } from "./fixtures";

describe("isWebSocketEvent", () => {
  it("recognises route events and nothing else", () => {
    expect(isWebSocketEvent(wsEvent("ask"))).toBe(true);
    expect(isWebSocketEvent({ kind: "answer" })).toBe(false);
    expect(isWebSocketEvent({ requestContext: { routeKey: "ask" } })).toBe(false);
    expect(isWebSocketEvent(null)).toBe(false);
  });
});
