/**
 * The `renew` frame (it arrives on `$default`, like `ping` and `stop`): the page sends a
 * freshly refreshed ID token before the one it connected with expires, so a long
 * conversation never drops (docs/architecture.md §Protocol). The token is verified exactly
 * as the authorizer verifies it at `$connect` (I2: the authorizer's own verifier and claim
 * checks, with the same pool, app client and tenants), then:
 *
 * - it must name the connection's owner: another `sub` or tenant is `forbidden` and the
 *   connection is closed (a socket offering someone else's token is not trusted further);
 * - it must not predate the user's offboarding (I17): `session_ended`, connection closed;
 * - the connection record must still be this caller's: the record's `tokenExpiresAt` then
 *   moves forward (conditional put), and every later ask and stop is served until then.
 *
 * Any other verification failure (expired, forged, another pool's token, …) is refused
 * and leaves the connection as it was: its own authorization is unchanged. Only the
 * rejection code is logged, never the token or its claims (I8).
 */
import { identityFromClaims } from "../authorizer/authorize";
import { AuthorizationError } from "../authorizer/errors";
import { createTokenVerifier, type TokenVerifier } from "../authorizer/verifier";
import type { AuthorizerContext } from "../common/authorizer-context";
import { type ConnectionRecord, hangUp } from "../common/connections";
import { errorSummary, type InvocationLogger } from "../common/logger";
import { SESSION_ENDED_MESSAGE } from "../common/revocations";
import type { RenewMessage } from "../common/protocol";
import { type ErrorCode, errorEvent, renewed } from "../common/server-events";
import type { ChatConfig } from "./config";
import type { MessageDependencies } from "./dependencies";
import type { PostNow, Reply } from "./websocket-event";

/** The identity a renewal token proves, or an AuthorizationError with a stable code. */
export interface IdTokenCheck {
  identity(token: string): Promise<AuthorizerContext>;
}

/**
 * The authorizer's verification, built on the first renewal of an execution environment
 * (most invocations of the chat function never need it) and then kept with its JWKS cache.
 */
export function createIdTokenCheck(config: Pick<ChatConfig, "idTokens" | "appProtocol">): IdTokenCheck {
  let verifier: TokenVerifier | undefined;
  return {
    async identity(token) {
      verifier ??= createTokenVerifier({ ...config.idTokens, appProtocol: config.appProtocol });
      return identityFromClaims(await verifier.verify(token), config.idTokens.tenantIds);
    },
  };
}

export type RenewDecision =
  | { ok: true; expiresAt: number }
  | { ok: false; code: ErrorCode; message: string; hangUp: boolean };

export const RENEW_OTHER_USER_MESSAGE = "the renewal token belongs to another user; the connection is closed";

/**
 * Pure: what to do with a verified renewal token. `renewal` is the identity the fresh
 * token proves; `caller` the connection's own (authorizer context); `revoked` whether the
 * fresh token predates the user's offboarding.
 */
export function decideRenew(args: {
  caller: AuthorizerContext;
  renewal: AuthorizerContext;
  connectionId: string;
  record: ConnectionRecord | undefined;
  revoked: boolean;
}): RenewDecision {
  const { caller, renewal, record } = args;
  if (renewal.userId !== caller.userId || renewal.tenantId !== caller.tenantId) {
    return { ok: false, code: "forbidden", message: RENEW_OTHER_USER_MESSAGE, hangUp: true };
  }
  if (args.revoked) return { ok: false, code: "session_ended", message: SESSION_ENDED_MESSAGE, hangUp: true };
  if (!record || record.connectionId !== args.connectionId || record.userId !== caller.userId || record.tenantId !== caller.tenantId) {
    return { ok: false, code: "forbidden", message: "this connection is not registered; reconnect", hangUp: false };
  }
  return { ok: true, expiresAt: Math.max(record.tokenExpiresAt, renewal.tokenExpiresAt) };
}

/** The client-facing refusal for a token that did not verify (only its code is logged). */
function verificationRefusal(code: string): { code: ErrorCode; message: string } {
  if (code === "expired") return { code: "token_expired", message: "the renewal token has expired; sign in again" };
  if (code === "jwks_unavailable") return { code: "internal", message: "the renewal could not be checked; please try again" };
  return { code: "forbidden", message: "the renewal token was refused" };
}

export async function handleRenew(
  message: RenewMessage,
  caller: AuthorizerContext,
  connectionId: string,
  deps: MessageDependencies,
  log: InvocationLogger,
  reply: Reply,
  postNow: PostNow,
): Promise<void> {
  let renewal: AuthorizerContext;
  try {
    renewal = await deps.idTokens.identity(message.token);
  } catch (error) {
    const code = error instanceof AuthorizationError ? error.code : "invalid_token";
    if (!(error instanceof AuthorizationError)) log.error("renewal verification failed", errorSummary(error));
    else log.warn("renew refused", { code });
    const refusal = verificationRefusal(code);
    reply(errorEvent(refusal.code, refusal.message));
    return;
  }
  const [record, revoked] = await Promise.all([
    deps.connections.get(connectionId),
    deps.revocations.revoked(renewal.userId, renewal.tokenIssuedAt),
  ]);
  const decision = decideRenew({ caller, renewal, connectionId, record, revoked });
  if (!decision.ok) {
    log.warn("renew refused", { code: decision.code, hangUp: decision.hangUp });
    if (!decision.hangUp) {
      reply(errorEvent(decision.code, decision.message));
      return;
    }
    // The route response would go out after the hang-up, to a closed connection: post the
    // error first, then close (closed even when the error could not be posted).
    await postNow(errorEvent(decision.code, decision.message)).catch((error: unknown) => log.warn("refusal not posted", errorSummary(error)));
    await hangUp(deps, connectionId);
    return;
  }
  if (!(await deps.connections.extend(record as ConnectionRecord, decision.expiresAt))) {
    log.warn("renew refused", { code: "forbidden", reason: "record changed" });
    reply(errorEvent("forbidden", "this connection is not registered; reconnect"));
    return;
  }
  log.info("connection renewed", { tokenExpiresAt: decision.expiresAt });
  reply(renewed(decision.expiresAt));
}
