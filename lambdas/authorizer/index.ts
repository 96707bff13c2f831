/**
 * Lambda entry point: the WebSocket `$connect` REQUEST authorizer. The logger lives at
 * module scope; configuration and the verifier (with its JWKS and key caches) are built
 * on the first invocation and kept, so a warm container verifies without any network
 * call. A missing or bad configuration fails every invocation with an AuthorizerConfigError
 * naming the variable, logged first as `authorizer is misconfigured` (common/startup.ts).
 */
import { createLogger } from "../common/logger";
import { lazyStartup } from "../common/startup";
import { createAuthorizerHandler, type WebSocketAuthorizerEvent } from "./authorize";
import type { AuthorizerPolicy } from "./authorize";
import { loadAuthorizerConfig } from "./config";
import { createTokenVerifier } from "./verifier";

const logger = createLogger("authorizer");

const authorizerHandler = lazyStartup("authorizer", logger, () => {
  const config = loadAuthorizerConfig(process.env);
  return createAuthorizerHandler({ config, verifier: createTokenVerifier(config), logger });
});

export const handler = async (event: WebSocketAuthorizerEvent): Promise<AuthorizerPolicy> => authorizerHandler()(event);
