/**
 * The authorizer's environment contract, defined once: the config type, the pure
 * `toEnvironment` that infra/ and the local stack call, and the loader that parses it
 * back. Errors name the offending variables and never echo their values.
 *
 * Checked without zod (common/environment-checks.ts): the authorizer runs before every
 * socket opens, and its bundle budget (50 KB) has no room for zod's ~16 KB for six
 * variables (docs/performance.md, "Cold start").
 */
import { type Check, checkEnvironment, optional, optionalHttpUrl, required, subprotocolName } from "../common/environment-checks";
import { type Environment, FunctionConfigError } from "../common/startup";
import { TENANT_ID_PATTERN } from "../common/identifiers";

export interface AuthorizerConfig {
  userPoolId: string;
  clientId: string;
  tenantIds: ReadonlySet<string>;
  appProtocol: string;
  /** Set for a non-AWS issuer (the local stack's cognito-local); AWS uses the pool id. */
  issuerOverride?: { issuer: string; jwksUri: string };
}

/** The variables `toEnvironment` sets: the keys the loader's schema must cover. */
export interface AuthorizerEnvironment {
  USER_POOL_ID: string;
  USER_POOL_CLIENT_ID: string;
  /** Comma-separated tenant ids that may sign in. */
  TENANT_IDS: string;
  APP_PROTOCOL: string;
  /**
   * Issuer and JWKS override for a non-AWS issuer (the local stack's cognito-local).
   * The token is still fully verified (signature, issuer, audience, token_use, expiry).
   */
  JWT_ISSUER?: string;
  JWKS_URI?: string;
  POWERTOOLS_SERVICE_NAME: string;
  POWERTOOLS_LOG_LEVEL: string;
}

/** The function is misconfigured: its invocations fail loudly instead of denying everyone quietly. */
export class AuthorizerConfigError extends FunctionConfigError {
  override readonly name = "AuthorizerConfigError";
}

/** Pure: the environment infra/ and the local stack give the authorizer. */
export function toEnvironment(config: AuthorizerConfig, logLevel = "INFO"): AuthorizerEnvironment {
  return {
    USER_POOL_ID: config.userPoolId,
    USER_POOL_CLIENT_ID: config.clientId,
    TENANT_IDS: [...config.tenantIds].join(","),
    APP_PROTOCOL: config.appProtocol,
    ...(config.issuerOverride ? { JWT_ISSUER: config.issuerOverride.issuer, JWKS_URI: config.issuerOverride.jwksUri } : {}),
    POWERTOOLS_SERVICE_NAME: "authorizer",
    POWERTOOLS_LOG_LEVEL: logLevel,
  };
}

// `satisfies` makes the compiler fail when AuthorizerEnvironment gains a key this loader ignores.
const environmentChecks = {
  USER_POOL_ID: required,
  USER_POOL_CLIENT_ID: required,
  TENANT_IDS: required,
  APP_PROTOCOL: subprotocolName,
  // Unset, empty and blank all mean "no override".
  JWT_ISSUER: optionalHttpUrl,
  JWKS_URI: optionalHttpUrl,
  // Read by Powertools itself.
  POWERTOOLS_SERVICE_NAME: optional,
  POWERTOOLS_LOG_LEVEL: optional,
} satisfies Record<keyof AuthorizerEnvironment, Check>;

/** The variables the checks guarantee are set. */
type RequiredVariable = "USER_POOL_ID" | "USER_POOL_CLIENT_ID" | "TENANT_IDS" | "APP_PROTOCOL";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/**
 * Whether keys may be fetched from this URL: https anywhere, http only on this machine
 * (the local stack's cognito-local). Checked here at start-up and again by the verifier's
 * JWKS fetcher.
 */
export function isPermittedJwksUrl(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.username !== "" || url.password !== "") return false;
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
}

export function parseTenantIds(list: string): Set<string> {
  const ids = list
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "");
  const bad = ids.filter((id) => !TENANT_ID_PATTERN.test(id));
  if (ids.length === 0) throw new AuthorizerConfigError("authorizer config: TENANT_IDS lists no tenant");
  if (bad.length > 0) {
    throw new AuthorizerConfigError(`authorizer config: TENANT_IDS has ${bad.length} malformed tenant id(s)`);
  }
  return new Set(ids);
}

export function loadAuthorizerConfig(env: Environment = process.env): AuthorizerConfig {
  const e = checkEnvironment<typeof environmentChecks, RequiredVariable>(environmentChecks, env, "authorizer config", AuthorizerConfigError);
  if ((e.JWT_ISSUER === undefined) !== (e.JWKS_URI === undefined)) {
    throw new AuthorizerConfigError("authorizer config: JWT_ISSUER and JWKS_URI must be set together");
  }
  if (e.JWKS_URI !== undefined && !isPermittedJwksUrl(e.JWKS_URI)) {
    // Keys fetched over plain http across a network could be swapped in transit.
    throw new AuthorizerConfigError("authorizer config: JWKS_URI must be https, or http on a loopback host");
  }
  return {
    userPoolId: e.USER_POOL_ID,
    clientId: e.USER_POOL_CLIENT_ID,
    tenantIds: parseTenantIds(e.TENANT_IDS),
    appProtocol: e.APP_PROTOCOL,
    ...(e.JWT_ISSUER && e.JWKS_URI ? { issuerOverride: { issuer: e.JWT_ISSUER, jwksUri: e.JWKS_URI } } : {}),
  };
}
