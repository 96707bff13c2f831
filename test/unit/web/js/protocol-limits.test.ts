/** web/js/protocol-limits.js: API Gateway's WebSocket limits, defined once for the page, the chat function and the local gateway. */
import { connectionRecord } from "../../../../lambdas/common/connections";
import { DEFAULT_LIMITS } from "../../../../local/apigateway/websocket-api";
import { MAX_CONNECTION_MS as PAGE_MAX_CONNECTION_MS } from "../../../../web/js/connection.js";
import { IDLE_TIMEOUT_MS, MAX_CONNECTION_MS } from "../../../../web/js/protocol-limits.js";

describe("protocol limits", () => {
  it("are API Gateway's quotas: 2-hour connections, 10-minute idle timeout", () => {
    expect(MAX_CONNECTION_MS).toBe(2 * 60 * 60 * 1000);
    expect(IDLE_TIMEOUT_MS).toBe(10 * 60 * 1000);
  });

  it("are the ones the page, the connection records and the local gateway use", () => {
    expect(PAGE_MAX_CONNECTION_MS).toBe(MAX_CONNECTION_MS);
    const now = new Date("2026-12-02T00:00:00Z");
    const record = connectionRecord({ connectionId: "c1", userId: "u", tenantId: "t", tokenExpiresAt: 0, now });
    // The record outlives the connection by five minutes of slack, never less.
    expect(record.ttl * 1000 - now.getTime()).toBe(MAX_CONNECTION_MS + 5 * 60 * 1000);
    expect(DEFAULT_LIMITS).toMatchObject({ maxConnectionMs: MAX_CONNECTION_MS, idleMs: IDLE_TIMEOUT_MS });
  });
});
