/**
 * `$connect` and `$disconnect`: store who a connection belongs to (from the authorizer
 * context only) and agree on the app subprotocol; forget the connection when it closes.
 * Loaded on its own (the entry imports it when these routes first run), so opening a
 * socket loads neither the Lambda client of the ask route nor the Bedrock and STS clients
 * of the answer step (docs/performance.md, "Cold start").
 */
import { parseAuthorizerContext } from "../common/authorizer-context";
import { connectionRecord } from "../common/connections";
import { errorSummary, invocationLogger } from "../common/logger";
import { offeredSubprotocols } from "../common/subprotocol-header";
import type { ConnectDependencies } from "./dependencies";
import type { WebSocketEvent, WebSocketResult } from "./websocket-event";

/**
 * WebSocket subprotocol negotiation on `$connect`. The browser offers
 * `[APP_PROTOCOL, <ID token>]`; API Gateway requires the integration to pick one or the
 * browser drops the connection. We pick the app protocol and never the token (which
 * would otherwise be echoed into response headers and proxy logs). Pure; the offer is
 * read by common/subprotocol-header.ts.
 */
/** Response headers for `$connect`: the app protocol, only when the client offered it. */
export function connectResponseHeaders(
  offered: readonly string[],
  appProtocol: string,
): Record<string, string> | undefined {
  return offered.includes(appProtocol) ? { "Sec-WebSocket-Protocol": appProtocol } : undefined;
}

/**
 * `$connect`: the authorizer has already verified the token; store who this connection
 * belongs to (from the authorizer context only) and agree on the app subprotocol.
 */
export async function handleConnect(event: WebSocketEvent, deps: ConnectDependencies): Promise<WebSocketResult> {
  const { connectionId } = event.requestContext;
  const caller = parseAuthorizerContext(event.requestContext.authorizer);
  if (!caller) {
    // Only reachable if the route lost its authorizer: refuse rather than store an anonymous connection.
    deps.logger.warn("connect refused: missing or malformed authorizer context");
    return { statusCode: 403 };
  }
  const log = invocationLogger(deps.logger, { tenantId: caller.tenantId, userId: caller.userId });
  try {
    // I17: a token issued before the user was offboarded opens no socket (a non-2xx
    // result makes API Gateway refuse the upgrade).
    if (await deps.revocations.revoked(caller.userId, caller.tokenIssuedAt)) {
      log.warn("connect refused", { code: "revoked" });
      return { statusCode: 403 };
    }
  } catch (error) {
    log.error("connect failed: could not check the offboarding record", errorSummary(error));
    return { statusCode: 500 };
  }
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

/** `$disconnect`: forget the connection, so nothing is sent to it or in its name again. */
export async function handleDisconnect(event: WebSocketEvent, deps: ConnectDependencies): Promise<WebSocketResult> {
  deps.knownOwners?.forget(event.requestContext.connectionId);
  try {
    await deps.connections.delete(event.requestContext.connectionId);
  } catch (error) {
    // The record's TTL removes it anyway; API Gateway ignores $disconnect results.
    deps.logger.error("disconnect: could not delete the connection", errorSummary(error));
    return { statusCode: 500 };
  }
  deps.logger.info("disconnected");
  return { statusCode: 200 };
}
