import { createUserPoolSettings } from "../../../../infra/user-pool-settings";
import { CognitoGatePolicy, type GateDecision, type PendingRequest } from "../../../../local/cognito/gate-policy";
import { createSigningKey, signJwt, type Claims } from "../../../../local/cognito/test-identity-provider";

const key = createSigningKey("CognitoLocal");
const GATE = "http://127.0.0.1:4520";
const POOL = "local_pool1";
const CLIENT = "client-1";
const TEMP = "Tmp-abc-7aZ";

const now = 1_900_000_000_000;
const DAY_MS = 24 * 60 * 60 * 1000;

function forwarded(decision: GateDecision): PendingRequest {
  if (decision.kind === "answer") throw new Error("answered by the gate");
  if (decision.kind !== "forward") throw new Error(`refused: ${decision.refusal.code} ${decision.refusal.message}`);
  return decision.pending;
}

function refused(decision: GateDecision) {
  if (decision.kind !== "refuse") throw new Error("was let through");
  return decision.refusal;
}

/** A policy that has seen the stack's seeding: pool, app client, one user with a temporary password. */
function seeded(clock: () => number = () => now): CognitoGatePolicy {
  const policy = new CognitoGatePolicy({ issuerDomain: GATE, signingJwk: key.publicJwk, clock });
  const run = (operation: string, body: Record<string, unknown>, response: unknown) =>
    expect(policy.after(forwarded(policy.before(operation, body)), 200, response)).toBeUndefined();
  run(
    "CreateUserPool",
    {
      PoolName: "p",
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Schema: [{ Name: "tenantId", AttributeDataType: "String", Mutable: false }],
      Policies: { PasswordPolicy: { TemporaryPasswordValidityDays: 3 } },
    },
    { UserPool: { Id: POOL } },
  );
  run("CreateUserPoolClient", { UserPoolId: POOL, WriteAttributes: ["name"] }, { UserPoolClient: { ClientId: CLIENT, UserPoolId: POOL, WriteAttributes: ["name"] } });
  run(
    "AdminCreateUser",
    { UserPoolId: POOL, Username: "alice", TemporaryPassword: TEMP, UserAttributes: [{ Name: "custom:tenantId", Value: "t1" }] },
    { User: { Username: "alice" } },
  );
  return policy;
}

const challenge = (session = "sess-1") => ({
  ChallengeName: "NEW_PASSWORD_REQUIRED",
  Session: session,
  ChallengeParameters: { USER_ID_FOR_SRP: "alice", userAttributes: JSON.stringify({ sub: "sub-alice", "custom:tenantId": "t1" }) },
});
const passwordAuth = (password: string, username = "alice") => ({
  ClientId: CLIENT,
  AuthFlow: "USER_PASSWORD_AUTH",
  AuthParameters: { USERNAME: username, PASSWORD: password },
});
const answer = (session = "sess-1", username = "alice") => ({
  ClientId: CLIENT,
  ChallengeName: "NEW_PASSWORD_REQUIRED",
  Session: session,
  ChallengeResponses: { USERNAME: username, NEW_PASSWORD: "Perm-xyz-9aZ" },
});
const tokens = { AuthenticationResult: { AccessToken: "a", IdToken: "i" } };

/** cognito-local's NEW_PASSWORD_REQUIRED for `password`, through the policy. */
function signInFirstTime(policy: CognitoGatePolicy, password: string, session = "sess-1") {
  return policy.after(forwarded(policy.before("InitiateAuth", passwordAuth(password))), 200, challenge(session));
}

describe("CognitoGatePolicy: first sign-in of a user in FORCE_CHANGE_PASSWORD", () => {
  it("replaces cognito-local's challenge with NotAuthorized when the temporary password is wrong", () => {
    const policy = seeded();
    for (const wrong of ["wrong", "", TEMP.toLowerCase(), `${TEMP} `]) {
      const r = signInFirstTime(policy, wrong);
      expect(r?.code).toBe("NotAuthorizedException");
      expect(r?.message).toBe("Incorrect username or password.");
    }
    // and the session cognito-local handed out for the wrong password is not usable
    expect(refused(policy.before("RespondToAuthChallenge", answer())).code).toBe("NotAuthorizedException");
  });

  it("passes the challenge for the right temporary password; its session completes once and the temporary password is then forgotten", () => {
    const policy = seeded();
    expect(signInFirstTime(policy, TEMP)).toBeUndefined();
    const pending = forwarded(policy.before("RespondToAuthChallenge", answer()));
    expect(policy.after(pending, 200, tokens)).toBeUndefined();
    expect(policy.temporaryPasswords.has(POOL, "alice")).toBe(false);
    expect(refused(policy.before("RespondToAuthChallenge", answer())).message).toBe("Invalid session for the user.");
    // a later challenge (e.g. an operator reset that cognito-local reports) cannot be passed with the old temporary password
    expect(signInFirstTime(policy, TEMP, "sess-2")?.code).toBe("NotAuthorizedException");
  });

  it("refuses NEW_PASSWORD_REQUIRED answers with a session it never saw (cognito-local accepts any)", () => {
    const policy = seeded();
    expect(refused(policy.before("RespondToAuthChallenge", answer("made-up"))).code).toBe("NotAuthorizedException");
    expect(refused(policy.before("RespondToAuthChallenge", { ...answer(), Session: undefined })).code).toBe("NotAuthorizedException");
  });

  it("binds the session to the user it was issued for", () => {
    const policy = seeded();
    expect(signInFirstTime(policy, TEMP)).toBeUndefined();
    expect(refused(policy.before("RespondToAuthChallenge", answer("sess-1", "bob"))).code).toBe("NotAuthorizedException");
    expect(forwarded(policy.before("RespondToAuthChallenge", answer("sess-1", "sub-alice"))).claimed?.session.username).toBe("alice");
  });

  it("gives the session back when cognito-local refuses the answer, so the user can retry", () => {
    const policy = seeded();
    signInFirstTime(policy, TEMP);
    const pending = forwarded(policy.before("RespondToAuthChallenge", answer()));
    expect(policy.after(pending, 400, { __type: "InvalidPasswordException", message: "Password does not conform to policy" })).toBeUndefined();
    expect(policy.temporaryPasswords.has(POOL, "alice")).toBe(true);
    expect(forwarded(policy.before("RespondToAuthChallenge", answer())).claimed).toBeDefined();
  });

  it("fails closed for a user whose temporary password it never saw, and for an unknown client", () => {
    const policy = seeded();
    policy.after(forwarded(policy.before("AdminCreateUser", { UserPoolId: POOL, Username: "carol" })), 200, { User: { Username: "carol" } });
    const carol = { ...challenge(), ChallengeParameters: { USER_ID_FOR_SRP: "carol" } };
    expect(policy.after(forwarded(policy.before("InitiateAuth", passwordAuth("anything", "carol"))), 200, carol)?.code).toBe("NotAuthorizedException");
    const foreignClient = { ...passwordAuth(TEMP), ClientId: "client-x" };
    expect(policy.after(forwarded(policy.before("InitiateAuth", foreignClient)), 200, challenge())?.code).toBe("NotAuthorizedException");
  });

  it("AdminSetUserPassword: a temporary one is remembered, a permanent one forgets it", () => {
    const policy = seeded();
    const set = (body: Record<string, unknown>) => policy.after(forwarded(policy.before("AdminSetUserPassword", { UserPoolId: POOL, Username: "alice", ...body })), 200, {});
    set({ Password: "Tmp-new-1aA", Permanent: false });
    expect(signInFirstTime(policy, TEMP)?.code).toBe("NotAuthorizedException");
    expect(signInFirstTime(policy, "Tmp-new-1aA")).toBeUndefined();
    set({ Password: "Perm-1aA!", Permanent: true });
    expect(policy.temporaryPasswords.has(POOL, "alice")).toBe(false);
    policy.after(forwarded(policy.before("AdminSetUserPassword", { UserPoolId: POOL, Username: "alice", Password: "Tmp-x-1aA" })), 200, {});
    policy.after(forwarded(policy.before("AdminDeleteUser", { UserPoolId: POOL, Username: "alice" })), 200, {});
    expect(policy.temporaryPasswords.has(POOL, "alice")).toBe(false);
  });

  it("refuses a right temporary password older than the pool's TemporaryPasswordValidityDays as Cognito does (I19); a wrong one still gets the usual answer", () => {
    let at = now;
    const policy = seeded(() => at);
    at = now + 3 * DAY_MS;
    expect(signInFirstTime(policy, TEMP)).toBeUndefined();
    at = now + 3 * DAY_MS + 1;
    const expired = signInFirstTime(policy, TEMP, "sess-2");
    expect(expired?.code).toBe("NotAuthorizedException");
    expect(expired?.message).toBe("Temporary password has expired and must be reset by an administrator.");
    expect(signInFirstTime(policy, "wrong", "sess-3")?.message).toBe("Incorrect username or password.");
    // The operator's reset (AdminSetUserPassword, Permanent false) starts a new validity.
    policy.after(forwarded(policy.before("AdminSetUserPassword", { UserPoolId: POOL, Username: "alice", Password: "Tmp-new-1aA", Permanent: false })), 200, {});
    at += 3 * DAY_MS;
    expect(signInFirstTime(policy, "Tmp-new-1aA", "sess-4")).toBeUndefined();
  });

  it("learns nothing from a failed AdminCreateUser", () => {
    const policy = seeded();
    const pending = forwarded(policy.before("AdminCreateUser", { UserPoolId: POOL, Username: "dave", TemporaryPassword: "Tmp-d-1aA" }));
    policy.after(pending, 400, { __type: "UsernameExistsException" });
    expect(policy.temporaryPasswords.has(POOL, "dave")).toBe(false);
  });
});

describe("CognitoGatePolicy: errors as AWS words them", () => {
  it("turns a wrong password and an unknown user into the same NotAuthorized", () => {
    const policy = seeded();
    for (const type of ["InvalidPasswordException", "NotAuthorizedException", "UserNotFoundException"]) {
      const r = policy.after(forwarded(policy.before("InitiateAuth", passwordAuth("nope"))), 400, { __type: type, message: "x" });
      expect(r?.code).toBe("NotAuthorizedException");
      expect(r?.message).toBe("Incorrect username or password.");
    }
  });

  it("passes a successful sign-in and unrelated errors through", () => {
    const policy = seeded();
    expect(policy.after(forwarded(policy.before("InitiateAuth", passwordAuth("Perm-1aA!"))), 200, tokens)).toBeUndefined();
    expect(policy.after(forwarded(policy.before("AdminGetUser", { UserPoolId: POOL, Username: "x" })), 400, { __type: "UserNotFoundException" })).toBeUndefined();
  });
});

describe("CognitoGatePolicy: I7", () => {
  const accessToken = (overrides: Claims = {}, options: Parameters<typeof signJwt>[2] = {}) =>
    signJwt(
      { iss: `${GATE}/${POOL}`, token_use: "access", client_id: CLIENT, username: "alice", sub: "sub-alice", exp: Math.floor(now / 1000) + 3600, ...overrides },
      key,
      options,
    );

  it("refuses SignUp", () => {
    const r = refused(seeded().before("SignUp", { ClientId: CLIENT, Username: "eve", Password: "Eve-12345!" }));
    expect(r.code).toBe("NotAuthorizedException");
    expect(r.message).toBe("SignUp is not permitted for this user pool");
  });

  it("refuses a user's own write of custom:tenantId and lets an allowed attribute through", () => {
    const policy = seeded();
    const write = (name: string) => policy.before("UpdateUserAttributes", { AccessToken: accessToken(), UserAttributes: [{ Name: name, Value: "v" }] });
    expect(refused(write("custom:tenantId")).message).toBe("A client attempted to write unauthorized attribute");
    expect(refused(policy.before("DeleteUserAttributes", { AccessToken: accessToken(), UserAttributeNames: ["custom:tenantId"] })).code).toBe("NotAuthorizedException");
    expect(refused(write("email")).code).toBe("NotAuthorizedException");
    expect(write("name").kind).toBe("forward");
  });

  it("follows UpdateUserPoolClient and DeleteUserPoolClient", () => {
    const policy = seeded();
    const write = () => policy.before("UpdateUserAttributes", { AccessToken: accessToken(), UserAttributes: [{ Name: "email", Value: "a@x" }] });
    const update = forwarded(policy.before("UpdateUserPoolClient", { UserPoolId: POOL, ClientId: CLIENT, WriteAttributes: ["name", "email"] }));
    policy.after(update, 200, { UserPoolClient: { ClientId: CLIENT, UserPoolId: POOL, WriteAttributes: ["name", "email"] } });
    expect(write().kind).toBe("forward");
    policy.after(forwarded(policy.before("DeleteUserPoolClient", { UserPoolId: POOL, ClientId: CLIENT })), 200, {});
    expect(refused(write()).message).toBe("Invalid Access Token");
  });

  it("refuses the operator's write of the immutable custom:tenantId", () => {
    const policy = seeded();
    const r = refused(policy.before("AdminUpdateUserAttributes", { UserPoolId: POOL, Username: "alice", UserAttributes: [{ Name: "custom:tenantId", Value: "t2" }] }));
    expect(r.code).toBe("InvalidParameterException");
    expect(policy.before("AdminUpdateUserAttributes", { UserPoolId: POOL, Username: "alice", UserAttributes: [{ Name: "email", Value: "a@x" }] }).kind).toBe("forward");
  });

  it("refuses token operations with a forged, foreign-issuer or expired token; lets a genuine one through", () => {
    const policy = seeded();
    const getUser = (token: string) => policy.before("GetUser", { AccessToken: token });
    expect(refused(getUser(accessToken({}, { signature: "none" }))).message).toBe("Invalid Access Token");
    expect(refused(getUser(accessToken({ iss: `http://127.0.0.1:1/${POOL}` }))).message).toBe("Invalid Access Token");
    expect(refused(getUser(accessToken({ exp: Math.floor(now / 1000) - 1 }))).message).toBe("Access Token has expired");
    expect(refused(policy.before("ChangePassword", {})).message).toBe("Invalid Access Token");
    expect(getUser(accessToken()).kind).toBe("forward");
  });
});

describe("CognitoGatePolicy: no self-service password reset, no unused public operations", () => {
  const accessToken = () =>
    signJwt({ iss: `${GATE}/${POOL}`, token_use: "access", client_id: CLIENT, username: "alice", sub: "sub-alice", exp: Math.floor(now / 1000) + 3600 }, key);

  it("refuses ConfirmForgotPassword without a code (cognito-local would compare undefined with undefined) and with one", () => {
    const policy = seeded();
    for (const body of [
      { ClientId: CLIENT, Username: "alice", Password: "Attacker-Passw0rd!" },
      { ClientId: CLIENT, Username: "alice", ConfirmationCode: "123456", Password: "Attacker-Passw0rd!" },
    ]) {
      const r = refused(policy.before("ConfirmForgotPassword", body));
      expect({ code: r.code, message: r.message }).toEqual({ code: "NotAuthorizedException", message: "User password cannot be reset in the current state." });
    }
    expect(refused(policy.before("ForgotPassword", { ClientId: CLIENT, Username: "alice" })).message).toBe("User password cannot be reset in the current state.");
    // The operator's reset still goes through.
    expect(policy.before("AdminSetUserPassword", { UserPoolId: POOL, Username: "alice", Password: "Operator-Set-1aZ!", Permanent: true }).kind).toBe("forward");
  });

  it.each(["ConfirmSignUp", "ResendConfirmationCode", "DeleteUser", "AssociateSoftwareToken", "VerifySoftwareToken", "VerifyUserAttribute", "GetTokensFromRefreshToken"])(
    "refuses %s, even with a genuine access token",
    (operation) => {
      const r = refused(seeded().before(operation, { ClientId: CLIENT, Username: "alice", AccessToken: accessToken(), Session: "s", ConfirmationCode: "1" }));
      expect({ code: r.code, message: r.message }).toEqual({ code: "NotAuthorizedException", message: `${operation} is not enabled for this user pool` });
    },
  );
});

describe("CognitoGatePolicy: the pool's password policy (cognito-local checks none)", () => {
  const STRONG = "Strong-pass-12aZ";
  const TEN = "Aa1-aaaaaa"; // 10 characters: conforms to AWS's default minimum of 8, not to the stack's 12

  /** A pool created as local/cognito/cognito.ts creates it (infra/user-pool-settings.ts), its client and alice. */
  function stackPool(): CognitoGatePolicy {
    const policy = new CognitoGatePolicy({ issuerDomain: GATE, signingJwk: key.publicJwk, clock: () => now });
    const run = (operation: string, body: Record<string, unknown>, response: unknown) =>
      expect(policy.after(forwarded(policy.before(operation, body)), 200, response)).toBeUndefined();
    run("CreateUserPool", { PoolName: "p", AdminCreateUserConfig: { AllowAdminCreateUserOnly: false }, ...createUserPoolSettings() }, { UserPool: { Id: POOL } });
    run("CreateUserPoolClient", { UserPoolId: POOL }, { UserPoolClient: { ClientId: CLIENT, UserPoolId: POOL, WriteAttributes: ["name"] } });
    run("AdminCreateUser", { UserPoolId: POOL, Username: "alice", TemporaryPassword: STRONG }, { User: { Username: "alice" } });
    return policy;
  }

  it("refuses a 10-character password everywhere one is set, as AWS does, and lets a conforming one through", () => {
    const policy = stackPool();
    const attempts: [string, (password: string) => Record<string, unknown>][] = [
      ["AdminCreateUser", (p) => ({ UserPoolId: POOL, Username: "bob", TemporaryPassword: p })],
      ["AdminSetUserPassword", (p) => ({ UserPoolId: POOL, Username: "alice", Password: p, Permanent: true })],
      ["SignUp", (p) => ({ ClientId: CLIENT, Username: "eve", Password: p })],
    ];
    for (const [operation, body] of attempts) {
      const r = refused(policy.before(operation, body(TEN)));
      expect({ operation, code: r.code, message: r.message }).toEqual({
        operation,
        code: "InvalidPasswordException",
        message: "Password did not conform with policy: Password not long enough",
      });
      expect({ operation, kind: policy.before(operation, body(STRONG)).kind }).toEqual({ operation, kind: "forward" });
    }
    expect(refused(policy.before("AdminSetUserPassword", { UserPoolId: POOL, Username: "alice", Password: "aaaa-bbbb-cccc" })).message).toBe(
      "Password did not conform with policy: Password must have uppercase characters",
    );
  });

  it("refuses a weak new password at first sign-in without using up the challenge session", () => {
    const policy = stackPool();
    expect(signInFirstTime(policy, STRONG)).toBeUndefined();
    const withNew = (password: string) => ({ ...answer(), ChallengeResponses: { USERNAME: "alice", NEW_PASSWORD: password } });
    expect(refused(policy.before("RespondToAuthChallenge", withNew(TEN))).code).toBe("InvalidPasswordException");
    const pending = forwarded(policy.before("RespondToAuthChallenge", withNew(STRONG)));
    expect(policy.after(pending, 200, tokens)).toBeUndefined();
  });

  it("applies AWS's default policy (8 characters) to a pool created without one", () => {
    const policy = seeded();
    expect(policy.before("AdminSetUserPassword", { UserPoolId: POOL, Username: "alice", Password: TEN }).kind).toBe("forward");
    expect(refused(policy.before("AdminSetUserPassword", { UserPoolId: POOL, Username: "alice", Password: "Aa1-aaa" })).code).toBe("InvalidPasswordException");
  });
});
