/**
 * The `$connect` decision: token from the subprotocol header, full verification, identity
 * from the verified claims, then an Allow scoped to the methodArn, or a Deny. Dependencies
 * are passed in so tests drive the real logic with their own keys and logger.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { AuthorizerContext } from "../shared/authorizer-context";
import { errorSummary } from "../shared/logger";
import type { HeaderMap, MultiValueHeaderMap } from "../shared/subprotocol-header";
import { identityFromClaims } from "./claims";
import type { AuthorizerConfig } from "./config";
import { AuthorizationError } from "./errors";
import { extractToken, rejectTokenInQuery, type MultiValueQueryMap, type QueryMap } from "./extract-token";
import { allowPolicy, denyPolicy, methodArnOf, type AuthorizerPolicy } from "./policy";
import type { TokenVerifier } from "./verifier";

/** The WebSocket REQUEST authorizer event, every field treated as untrusted and optional. */
export interface WebSocketAuthorizerEvent {
  type?: string;
  methodArn?: string;
  headers?: HeaderMap;
  multiValueHeaders?: MultiValueHeaderMap;
  queryStringParameters?: QueryMap;
  multiValueQueryStringParameters?: MultiValueQueryMap;
  requestContext?: { connectionId?: string; requestId?: string; routeKey?: string } | null;
}

export interface AuthorizerDependencies {
  config: AuthorizerConfig;
  verifier: TokenVerifier;
  logger: Logger;
}

export async function authorize(event: WebSocketAuthorizerEvent, deps: AuthorizerDependencies): Promise<AuthorizerContext> {
  rejectTokenInQuery(event.queryStringParameters, event.multiValueQueryStringParameters);
  const token = extractToken(event.headers, deps.config.appProtocol, event.multiValueHeaders);
  const claims = await deps.verifier.verify(token);
  return identityFromClaims(claims, deps.config.tenantIds);
}

export function createAuthorizerHandler(deps: AuthorizerDependencies): (event: WebSocketAuthorizerEvent) => Promise<AuthorizerPolicy> {
  const { logger } = deps;
  return async (event) => {
    const connectionId = event?.requestContext?.connectionId;
    let methodArn: string | undefined;
    try {
      methodArn = methodArnOf(event);
      const identity = await authorize(event, deps);
      logger.info("connection authorized", { tenantId: identity.tenantId, userId: identity.userId, connectionId });
      return allowPolicy(methodArn, identity);
    } catch (error) {
      if (error instanceof AuthorizationError) {
        // Only the code: the message, the token and the claims stay out of the logs.
        const log = error.code === "jwks_unavailable" ? logger.error : logger.warn;
        log.call(logger, "connection refused", { code: error.code, connectionId });
      } else {
        logger.error("connection refused: unexpected error", { code: "internal", connectionId, ...errorSummary(error) });
      }
      return denyPolicy(methodArn);
    }
  };
}
