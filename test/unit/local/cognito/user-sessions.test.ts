/** What the local Cognito keeps about sessions that cognito-local does not (AWS behaviour). */
import { SESSION_MESSAGES, UserSessions } from "../../../../local/cognito/user-sessions";

const POOL = "local_pool";
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
const jwt = (claims: object) => `${b64({ alg: "RS256" })}.${b64(claims)}.sig`;
const access = (iat: number, jti = `j${iat}`) => jwt({ username: "alice", sub: "s-1", iat, jti, token_use: "access" });

function signedIn(sessions: UserSessions, iat = 100): { refresh: string; accessToken: string } {
  const accessToken = access(iat);
  sessions.learnIssued(POOL, { AccessToken: accessToken, IdToken: jwt({ "cognito:username": "alice", iat }), RefreshToken: `r${iat}` });
  return { refresh: `r${iat}`, accessToken };
}

it("honours a fresh session", () => {
  const s = new UserSessions();
  const { refresh, accessToken } = signedIn(s);
  expect(s.refreshRefusal(refresh)).toBeUndefined();
  expect(s.accessRefusal(POOL, accessToken)).toBeUndefined();
  expect(s.subOf(POOL, "alice")).toBe("s-1");
});

it("refuses refresh and access tokens of a disabled user, and honours them again once enabled", () => {
  const s = new UserSessions();
  const { refresh, accessToken } = signedIn(s);
  s.disable(POOL, "alice", 50);
  expect(s.refreshRefusal(refresh)).toBe(SESSION_MESSAGES.userDisabled);
  expect(s.accessRefusal(POOL, accessToken)).toBe(SESSION_MESSAGES.userDisabled);
  s.enable(POOL, "alice");
  expect(s.refreshRefusal(refresh)).toBeUndefined();
});

it("global sign-out refuses every token issued until then, not those issued after", () => {
  const s = new UserSessions();
  const old = signedIn(s, 100);
  s.signOut(POOL, "alice", 100);
  const fresh = signedIn(s, 101);
  expect(s.refreshRefusal(old.refresh)).toBe(SESSION_MESSAGES.refreshRevoked);
  expect(s.accessRefusal(POOL, old.accessToken)).toBe(SESSION_MESSAGES.accessRevoked);
  expect(s.refreshRefusal(fresh.refresh)).toBeUndefined();
  expect(s.accessRefusal(POOL, fresh.accessToken)).toBeUndefined();
});

it("RevokeToken refuses the refresh token and every access token issued from it, also after a refresh", () => {
  const s = new UserSessions();
  const { refresh, accessToken } = signedIn(s);
  const refreshed = access(150, "j-refreshed");
  s.learnIssued(POOL, { AccessToken: refreshed }, refresh);
  const other = signedIn(s, 120);
  s.revokeRefresh(refresh);
  expect(s.refreshRefusal(refresh)).toBe(SESSION_MESSAGES.refreshRevoked);
  expect(s.accessRefusal(POOL, accessToken)).toBe(SESSION_MESSAGES.accessRevoked);
  expect(s.accessRefusal(POOL, refreshed)).toBe(SESSION_MESSAGES.accessRevoked);
  expect(s.accessRefusal(POOL, other.accessToken)).toBeUndefined();
});

it("leaves tokens it never issued to cognito-local", () => {
  expect(new UserSessions().refreshRefusal("unknown")).toBeUndefined();
});
