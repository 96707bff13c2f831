/**
 * Access-token check for the operations a signed-in user authorizes with their own token
 * (GetUser, UpdateUserAttributes, ChangePassword, DeleteUser, …). cognito-local only
 * DECODES the token, so an unsigned token naming any user would act as that user; AWS
 * checks signature, issuer, token use, client and expiry. Pure: key and clock are given.
 */
import { verify, type KeyObject } from "node:crypto";
import { COGNITO_MESSAGES, CognitoGateRefusal } from "./errors";

export interface AccessTokenIdentity {
  userPoolId: string;
  clientId: string;
  username: string;
  sub: string;
}

export interface AccessTokenContext {
  publicKey: KeyObject;
  keyId: string;
  /** The pool an issuer URL belongs to, or undefined for a foreign issuer. */
  poolOfIssuer(issuer: string): string | undefined;
  /** The pool an app client belongs to, or undefined for an unknown client. */
  poolOfClient(clientId: string): string | undefined;
  nowSeconds: number;
}

const invalid = () => new CognitoGateRefusal("NotAuthorizedException", COGNITO_MESSAGES.invalidAccessToken);

function parseSegment(segment: string | undefined): Record<string, unknown> | undefined {
  if (segment === undefined || !/^[A-Za-z0-9_-]+$/.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The identity of a genuine, unexpired access token of a known client; throws the AWS refusal otherwise. */
export function verifyAccessToken(token: unknown, ctx: AccessTokenContext): AccessTokenIdentity {
  if (typeof token !== "string" || token.length > 16_384) throw invalid();
  const parts = token.split(".");
  if (parts.length !== 3) throw invalid();
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = parseSegment(headerPart);
  const claims = parseSegment(payloadPart);
  if (!header || !claims || header.alg !== "RS256" || header.kid !== ctx.keyId) throw invalid();
  if (!/^[A-Za-z0-9_-]+$/.test(signaturePart)) throw invalid();
  const signed = verify("RSA-SHA256", Buffer.from(`${headerPart}.${payloadPart}`), ctx.publicKey, Buffer.from(signaturePart, "base64url"));
  if (!signed) throw invalid();

  const { iss, token_use: tokenUse, client_id: clientId, username, sub, exp } = claims;
  if (tokenUse !== "access" || typeof iss !== "string" || typeof clientId !== "string") throw invalid();
  if (typeof username !== "string" || typeof sub !== "string" || typeof exp !== "number") throw invalid();
  const userPoolId = ctx.poolOfIssuer(iss);
  if (userPoolId === undefined || ctx.poolOfClient(clientId) !== userPoolId) throw invalid();
  if (exp <= ctx.nowSeconds) throw new CognitoGateRefusal("NotAuthorizedException", COGNITO_MESSAGES.expiredAccessToken);
  return { userPoolId, clientId, username, sub };
}
