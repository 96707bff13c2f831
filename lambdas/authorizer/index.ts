/**
 * Lambda entry point: the WebSocket `$connect` REQUEST authorizer. Configuration, the
 * verifier (with its JWKS and key caches) and the logger live at module scope, so a warm
 * container verifies without any network call. A missing or bad configuration fails the
 * cold start with an AuthorizerConfigError naming the variable.
 */
import { createLogger } from "../shared/logger";
import { createAuthorizerHandler } from "./authorize";
import { loadAuthorizerConfig } from "./config";
import { createTokenVerifier } from "./verifier";

const config = loadAuthorizerConfig();
const verifier = createTokenVerifier(config);
const logger = createLogger("authorizer");

export const handler = createAuthorizerHandler({ config, verifier, logger });
