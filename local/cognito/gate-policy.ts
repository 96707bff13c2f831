/**
 * The Cognito gate's decisions, free of I/O: given an operation (the `X-Amz-Target`
 * suffix) and its JSON body, refuse it or let it through; given cognito-local's answer,
 * keep it or replace it with what AWS would have answered, and learn from it (pools,
 * clients, temporary passwords, challenge sessions). The HTTP proxy in gate.ts
 * only moves bytes between the client, this policy and cognito-local.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { verifyAccessToken } from "./access-token";
import { ChallengeSessions, type ChallengeSession } from "./challenge-sessions";
import { COGNITO_MESSAGES, CognitoGateRefusal, errorTypeName, incorrectCredentials, rewriteUpstreamError } from "./errors";
import { unservedPublicOperationRefusal } from "./operations";
import { attributeNamesOf, PoolRegistry } from "./pool-facts";
import { TemporaryPasswords } from "./temporary-passwords";
import { OFFBOARDING_OPERATIONS } from "./management-events";
import { unverifiedClaims, UserSessions } from "./user-sessions";

/** Operations a user authorizes with their own access token. */
const ACCESS_TOKEN_OPERATIONS = new Set([
  "GetUser", "UpdateUserAttributes", "DeleteUserAttributes", "ChangePassword", "DeleteUser", "GlobalSignOut",
  "VerifyUserAttribute", "GetUserAttributeVerificationCode", "SetUserMFAPreference", "SetUserSettings",
  "ListDevices", "GetDevice", "ForgetDevice", "ConfirmDevice", "UpdateDeviceStatus",
]);
/** These take either an access token or a challenge session; the token, when given, is checked. */
const OPTIONAL_ACCESS_TOKEN_OPERATIONS = new Set(["AssociateSoftwareToken", "VerifySoftwareToken"]);
const USER_ATTRIBUTE_WRITES = new Set(["UpdateUserAttributes", "DeleteUserAttributes"]);
const ADMIN_ATTRIBUTE_WRITES = new Set(["AdminUpdateUserAttributes", "AdminDeleteUserAttributes"]);

export type JsonObject = Record<string, unknown>;

/** What `after` needs to know about the request that was let through. */
export interface PendingRequest {
  operation: string;
  body: JsonObject;
  /** The challenge session a RespondToAuthChallenge consumed (put back if the answer fails). */
  claimed?: { id: string; session: ChallengeSession };
  /** The verified caller of an access-token operation. */
  caller?: { userPoolId: string; username: string; sub: string };
}

/** A call that ended a user's access (I17): what the gate reports as a management event. */
export interface AccessEnded {
  eventName: string;
  userPoolId?: string;
  username?: string;
  sub?: string;
}

export type GateDecision =
  | { kind: "refuse"; refusal: CognitoGateRefusal }
  | { kind: "forward"; pending: PendingRequest }
  /** Answered by the gate itself (cognito-local does not implement it). */
  | { kind: "answer"; body: JsonObject };

export interface CognitoGatePolicyOptions {
  /** Token issuer base URL (`<issuerDomain>/<poolId>`): the gate's own URL. */
  issuerDomain: string | (() => string);
  /** The key the gate signs the tokens clients receive with (public JWK) and its key id. */
  signingJwk: { kid: string } & Record<string, unknown>;
  clock?: () => number;
  /** Told of every successful call that ends a user's access (the local CloudTrail → EventBridge path). */
  onAccessEnded?: (event: AccessEnded) => void;
}

const asObject = (v: unknown): JsonObject | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : undefined);
const asString = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** `sub` from NEW_PASSWORD_REQUIRED's `userAttributes` (a JSON string), when present. */
function subOfChallenge(parameters: JsonObject): string | undefined {
  try {
    return asString(asObject(JSON.parse(asString(parameters.userAttributes) ?? "null"))?.sub);
  } catch {
    return undefined;
  }
}

export class CognitoGatePolicy {
  readonly pools = new PoolRegistry();
  readonly temporaryPasswords = new TemporaryPasswords();
  readonly sessions = new ChallengeSessions();
  readonly userSessions = new UserSessions();
  private readonly publicKey: KeyObject;
  private readonly clock: () => number;

  constructor(private readonly options: CognitoGatePolicyOptions) {
    this.publicKey = createPublicKey({ key: options.signingJwk as JsonWebKey, format: "jwk" });
    this.clock = options.clock ?? Date.now;
  }

  before(operation: string, body: JsonObject): GateDecision {
    try {
      const pending = this.check(operation, body);
      if (operation === "GlobalSignOut" && pending.caller) {
        // cognito-local does not implement it (500): the gate signs the user out itself.
        this.userSessions.signOut(pending.caller.userPoolId, pending.caller.username, this.nowSeconds());
        this.ended({ eventName: operation, sub: pending.caller.sub });
        return { kind: "answer", body: {} };
      }
      return { kind: "forward", pending };
    } catch (error) {
      if (error instanceof CognitoGateRefusal) return { kind: "refuse", refusal: error };
      throw error;
    }
  }

  /**
   * AdminUserGlobalSignOut, once the gate has seen the user exists (cognito-local does
   * not implement the operation): every token issued until now is refused.
   */
  adminSignOut(userPoolId: string, username: string): void {
    this.userSessions.signOut(userPoolId, username, this.nowSeconds());
    this.ended({ eventName: "AdminUserGlobalSignOut", userPoolId, username });
  }

  private nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }

  private ended(event: AccessEnded): void {
    if (OFFBOARDING_OPERATIONS.has(event.eventName)) this.options.onAccessEnded?.(event);
  }

  /** The refusal to send instead of cognito-local's answer, or undefined to pass it on. */
  after(pending: PendingRequest, status: number, response: unknown): CognitoGateRefusal | undefined {
    const body = asObject(response) ?? {};
    if (status !== 200) {
      if (pending.claimed) this.sessions.restore(pending.claimed.id, pending.claimed.session, this.clock());
      return rewriteUpstreamError(pending.operation, asString(pending.body.AuthFlow), errorTypeName(body.__type) ?? "");
    }
    return this.learn(pending, body);
  }

  private check(operation: string, body: JsonObject): PendingRequest {
    const pending: PendingRequest = { operation, body };
    // Default deny: a public operation the system does not use never reaches cognito-local.
    const unserved = unservedPublicOperationRefusal(operation);
    if (unserved) throw unserved;
    if (operation === "SignUp") this.pools.checkSignUp(body.ClientId);
    if (operation === "InitiateAuth" && /REFRESH_TOKEN/.test(asString(body.AuthFlow) ?? "")) {
      const refusal = this.userSessions.refreshRefusal(asObject(body.AuthParameters)?.REFRESH_TOKEN);
      if (refusal) throw new CognitoGateRefusal("NotAuthorizedException", refusal);
    }
    this.checkPasswordSet(operation, body);
    if (ACCESS_TOKEN_OPERATIONS.has(operation) || (OPTIONAL_ACCESS_TOKEN_OPERATIONS.has(operation) && body.AccessToken !== undefined)) {
      const identity = verifyAccessToken(body.AccessToken, {
        publicKey: this.publicKey,
        keyId: this.options.signingJwk.kid,
        poolOfIssuer: (iss) => this.poolOfIssuer(iss),
        poolOfClient: (clientId) => this.pools.client(clientId)?.userPoolId,
        nowSeconds: Math.floor(this.clock() / 1000),
      });
      // Signature and expiry are not enough: disabled users, global sign-out and RevokeToken end it too.
      const refusal = this.userSessions.accessRefusal(identity.userPoolId, body.AccessToken);
      if (refusal) throw new CognitoGateRefusal("NotAuthorizedException", refusal);
      pending.caller = { userPoolId: identity.userPoolId, username: identity.username, sub: identity.sub };
      if (USER_ATTRIBUTE_WRITES.has(operation)) this.pools.checkUserWrite(identity.clientId, attributeNamesOf(body));
      if (operation === "ChangePassword") this.pools.checkPassword(this.pools.client(identity.clientId)?.userPoolId, body.ProposedPassword);
    }
    if (ADMIN_ATTRIBUTE_WRITES.has(operation)) this.pools.checkMutable(body.UserPoolId, attributeNamesOf(body));
    if (operation === "RespondToAuthChallenge") {
      const id = asString(body.Session) ?? "";
      const session = this.sessions.take(
        { clientId: body.ClientId, challengeName: body.ChallengeName, session: body.Session, username: asObject(body.ChallengeResponses)?.USERNAME },
        this.clock(),
      );
      pending.claimed = { id, session };
    }
    return pending;
  }

  /** Passwords a request sets, against the pool's policy (cognito-local checks none). */
  private checkPasswordSet(operation: string, body: JsonObject): void {
    const poolOfClient = () => this.pools.client(body.ClientId)?.userPoolId;
    switch (operation) {
      case "AdminCreateUser":
        return this.pools.checkPassword(body.UserPoolId, body.TemporaryPassword);
      case "AdminSetUserPassword":
        return this.pools.checkPassword(body.UserPoolId, body.Password);
      case "SignUp":
        return this.pools.checkPassword(poolOfClient(), body.Password);
      case "RespondToAuthChallenge":
        // Before the challenge session is taken: a refused new password may be tried again.
        if (body.ChallengeName === "NEW_PASSWORD_REQUIRED") this.pools.checkPassword(poolOfClient(), asObject(body.ChallengeResponses)?.NEW_PASSWORD);
        return;
      default:
        return;
    }
  }

  private learn(pending: PendingRequest, response: JsonObject): CognitoGateRefusal | undefined {
    const { operation, body } = pending;
    const poolId = asString(body.UserPoolId);
    switch (operation) {
      case "CreateUserPool": {
        const id = asString(asObject(response.UserPool)?.Id);
        if (id) this.pools.learnPool(id, body);
        return undefined;
      }
      case "DeleteUserPool":
        if (poolId) this.pools.forgetPool(poolId);
        return undefined;
      case "AddCustomAttributes":
        if (poolId) this.pools.learnCustomAttributes(poolId, body.CustomAttributes);
        return undefined;
      case "CreateUserPoolClient":
      case "UpdateUserPoolClient": {
        // The answer carries the client as it now is (WriteAttributes included).
        const client = asObject(response.UserPoolClient);
        const clientId = asString(client?.ClientId);
        const clientPool = asString(client?.UserPoolId) ?? poolId;
        if (client && clientId && clientPool) this.pools.learnClient(clientId, clientPool, client);
        return undefined;
      }
      case "DeleteUserPoolClient":
        this.pools.forgetClient(body.ClientId);
        return undefined;
      case "AdminCreateUser": {
        const username = asString(asObject(response.User)?.Username) ?? asString(body.Username);
        if (!poolId || !username) return undefined;
        const temporary = asString(body.TemporaryPassword);
        // A password cognito-local generated itself is unknown here: that user cannot complete sign-in (fail closed).
        if (temporary !== undefined) this.temporaryPasswords.remember(poolId, username, temporary, this.clock());
        else this.temporaryPasswords.forget(poolId, username);
        return undefined;
      }
      case "AdminSetUserPassword": {
        const username = asString(body.Username);
        const password = asString(body.Password);
        if (!poolId || !username) return undefined;
        if (body.Permanent === true || password === undefined) this.temporaryPasswords.forget(poolId, username);
        else this.temporaryPasswords.remember(poolId, username, password, this.clock());
        return undefined;
      }
      case "AdminDeleteUser": {
        const username = asString(body.Username);
        if (poolId && username) {
          this.temporaryPasswords.forget(poolId, username);
          this.userSessions.forget(poolId, username, this.nowSeconds());
          this.ended({ eventName: operation, userPoolId: poolId, username });
        }
        return undefined;
      }
      case "AdminDisableUser": {
        const username = asString(body.Username);
        if (poolId && username) {
          this.userSessions.disable(poolId, username, this.nowSeconds());
          this.ended({ eventName: operation, userPoolId: poolId, username });
        }
        return undefined;
      }
      case "AdminEnableUser": {
        const username = asString(body.Username);
        if (poolId && username) this.userSessions.enable(poolId, username);
        return undefined;
      }
      case "DeleteUser":
        if (pending.caller) {
          this.userSessions.forget(pending.caller.userPoolId, pending.caller.username, this.nowSeconds());
          this.ended({ eventName: operation, sub: pending.caller.sub });
        }
        return undefined;
      case "RevokeToken":
        this.userSessions.revokeRefresh(body.Token);
        return undefined;
      case "InitiateAuth":
        return this.checkChallengeIssued(body, response) ?? this.checkIssued(body, response);
      case "RespondToAuthChallenge": {
        const claimed = pending.claimed?.session;
        const clientPool = this.pools.client(body.ClientId)?.userPoolId;
        if (claimed && clientPool && claimed.challengeName === "NEW_PASSWORD_REQUIRED" && response.AuthenticationResult !== undefined) {
          for (const name of claimed.names) this.temporaryPasswords.forget(clientPool, name);
        }
        this.issueSession(body, response, claimed?.username, claimed?.names ?? []);
        return this.checkIssued(body, response);
      }
      default:
        return undefined;
    }
  }

  /**
   * cognito-local answers NEW_PASSWORD_REQUIRED to anyone who names a user in
   * FORCE_CHANGE_PASSWORD, whatever password they gave. Here the password must be the
   * temporary one the operator set; otherwise AWS's answer to a wrong password.
   */
  private checkChallengeIssued(request: JsonObject, response: JsonObject): CognitoGateRefusal | undefined {
    const challenge = asString(response.ChallengeName);
    if (challenge === undefined) return undefined;
    const parameters = asObject(response.ChallengeParameters) ?? {};
    const username = asString(parameters.USER_ID_FOR_SRP);
    const sub = subOfChallenge(parameters);
    const names = [username, sub].filter((n): n is string => n !== undefined);
    if (challenge === "NEW_PASSWORD_REQUIRED") {
      const poolId = this.pools.client(request.ClientId)?.userPoolId;
      const presented = asObject(request.AuthParameters)?.PASSWORD;
      // Both names are always compared, so the time taken does not depend on which one is known.
      const results = names.map((n) => (poolId === undefined ? false : this.temporaryPasswords.matches(poolId, n, presented)));
      if (!results.includes(true)) return incorrectCredentials();
      // Only once the password was right, as Cognito does: the pool's validity (I19).
      const matched = names[results.indexOf(true)];
      const validityDays = this.pools.pool(poolId as string)?.passwordPolicy.temporaryPasswordValidityDays;
      if (validityDays === undefined || this.temporaryPasswords.expired(poolId as string, matched, validityDays, this.clock())) {
        return new CognitoGateRefusal("NotAuthorizedException", COGNITO_MESSAGES.temporaryPasswordExpired);
      }
    }
    this.issueSession(request, response, username, names);
    return undefined;
  }

  /**
   * Tokens about to be handed out: refused for a disabled user (cognito-local ignores
   * `Enabled`; only after the password was found right, so the answer reveals nothing to
   * someone without it), otherwise remembered for refresh and revocation.
   */
  private checkIssued(request: JsonObject, response: JsonObject): CognitoGateRefusal | undefined {
    const result = asObject(response.AuthenticationResult);
    const poolId = this.pools.client(request.ClientId)?.userPoolId;
    if (!result || !poolId) return undefined;
    const username = unverifiedClaims(result.AccessToken).username;
    if (username && this.userSessions.isDisabled(poolId, username)) {
      return new CognitoGateRefusal("NotAuthorizedException", "User is disabled.");
    }
    const presented = asString(asObject(request.AuthParameters)?.REFRESH_TOKEN);
    this.userSessions.learnIssued(poolId, result, presented);
    return undefined;
  }

  private issueSession(request: JsonObject, response: JsonObject, username: string | undefined, names: readonly string[]): void {
    const session = asString(response.Session);
    const challengeName = asString(response.ChallengeName);
    const clientId = asString(request.ClientId);
    if (session && challengeName && clientId && username) {
      this.sessions.issue(session, { clientId, challengeName, username, names }, this.clock());
    }
  }

  private poolOfIssuer(issuer: string): string | undefined {
    const domain = this.options.issuerDomain;
    const prefix = `${typeof domain === "string" ? domain : domain()}/`;
    if (!issuer.startsWith(prefix)) return undefined;
    const poolId = issuer.slice(prefix.length);
    return this.pools.pool(poolId) ? poolId : undefined;
  }
}
