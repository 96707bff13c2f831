/**
 * The authorizer's configuration, parsed once from the environment that
 * `authorizerEnvironment()` (infra/function-environment.ts) builds. Errors name the
 * offending variables and never echo their values.
 */
// zod/mini: this file is bundled into the authorizer Lambda, where classic zod costs ~85 KB.
import * as z from "zod/mini";
import type { AuthorizerEnvironment } from "../../infra/function-environment";
import {
  optionalHttpUrl,
  parseEnvironment,
  powertoolsVariables,
  required,
  subprotocolName,
  type Environment,
} from "../shared/environment";
import { TENANT_ID_PATTERN } from "../shared/identifiers";
import { AuthorizerConfigError } from "./errors";
import { isPermittedJwksUrl } from "./jwks-fetcher";

export interface AuthorizerConfig {
  userPoolId: string;
  clientId: string;
  tenantIds: ReadonlySet<string>;
  appProtocol: string;
  /** Set for a non-AWS issuer (the local stack's cognito-local); AWS uses the pool id. */
  issuerOverride?: { issuer: string; jwksUri: string };
}


// `satisfies` makes the compiler fail when AuthorizerEnvironment gains a key this schema ignores.
const environmentShape = {
  USER_POOL_ID: required,
  USER_POOL_CLIENT_ID: required,
  TENANT_IDS: required,
  APP_PROTOCOL: subprotocolName,
  // Unset, empty and blank all mean "no override".
  JWT_ISSUER: optionalHttpUrl,
  JWKS_URI: optionalHttpUrl,
  ...powertoolsVariables,
} satisfies Record<keyof AuthorizerEnvironment, z.ZodMiniType>;

const environmentSchema = z.object(environmentShape);

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
  const e = parseEnvironment(environmentSchema, env, "authorizer config", AuthorizerConfigError);
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
