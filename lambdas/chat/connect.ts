/**
 * `$connect`: the authorizer has already verified the token; store who this connection
 * belongs to (from the authorizer context only) and agree on the app subprotocol.
 */
import { parseAuthorizerContext } from "../shared/authorizer-context";
import { connectionRecord } from "../shared/connections";
import { errorSummary } from "../shared/logger";
import { offeredSubprotocols } from "../shared/subprotocol-header";
import type { ChatDependencies } from "./dependencies";
import { connectResponseHeaders } from "./subprotocol";
import type { WebSocketEvent, WebSocketResult } from "./websocket-event";

export async function handleConnect(event: WebSocketEvent, deps: ChatDependencies): Promise<WebSocketResult> {
  const { connectionId } = event.requestContext;
  const caller = parseAuthorizerContext(event.requestContext.authorizer);
  if (!caller) {
    // Only reachable if the route lost its authorizer: refuse rather than store an anonymous connection.
    deps.logger.warn("connect refused: missing or malformed authorizer context");
    return { statusCode: 403 };
  }
  const log = deps.logger.createChild();
  log.appendKeys({ tenantId: caller.tenantId, userId: caller.userId });
  try {
    await deps.connections.put(
      connectionRecord({
        connectionId,
        userId: caller.userId,
        tenantId: caller.tenantId,
        tokenExpiresAt: caller.tokenExpiresAt,
        now: deps.now(),
      }),
    );
  } catch (error) {
    log.error("connect failed: could not store the connection", errorSummary(error));
    return { statusCode: 500 };
  }
  log.info("connected");
  const offered = offeredSubprotocols(event.headers, event.multiValueHeaders);
  const headers = connectResponseHeaders(offered, deps.config.appProtocol);
  return headers ? { statusCode: 200, headers } : { statusCode: 200 };
}
