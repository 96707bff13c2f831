import { ChallengeSessions, CHALLENGE_SESSION_TTL_MS } from "../../../../local/cognito/challenge-sessions";
import { CognitoGateRefusal } from "../../../../local/cognito/errors";

const issued = { clientId: "client-1", challengeName: "NEW_PASSWORD_REQUIRED", username: "alice", names: ["alice", "sub-alice"] };
const answer = { clientId: "client-1", challengeName: "NEW_PASSWORD_REQUIRED", session: "s-1", username: "alice" };

function refusal(fn: () => unknown): CognitoGateRefusal {
  try {
    fn();
  } catch (error) {
    if (error instanceof CognitoGateRefusal) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("ChallengeSessions", () => {
  it("accepts an issued session once, for its user (by username or sub), client and challenge", () => {
    const s = new ChallengeSessions();
    s.issue("s-1", issued, 0);
    expect(s.take(answer, 1000).username).toBe("alice");
    expect(refusal(() => s.take(answer, 1000)).message).toBe("Invalid session for the user.");
    s.issue("s-2", issued, 0);
    expect(s.take({ ...answer, session: "s-2", username: "sub-alice" }, 1000).username).toBe("alice");
  });

  it("refuses a session it never issued (cognito-local would accept any string)", () => {
    const s = new ChallengeSessions();
    const r = refusal(() => s.take(answer, 0));
    expect(r.code).toBe("NotAuthorizedException");
    expect(refusal(() => s.take({ ...answer, session: undefined }, 0)).code).toBe("NotAuthorizedException");
  });

  it.each([
    ["another user", { username: "bob" }],
    ["another client", { clientId: "client-2" }],
    ["another challenge", { challengeName: "SMS_MFA" }],
    ["no username", { username: undefined }],
  ])("refuses the session for %s and keeps it for its owner", (_label, change) => {
    const s = new ChallengeSessions();
    s.issue("s-1", issued, 0);
    expect(refusal(() => s.take({ ...answer, ...change }, 0)).code).toBe("NotAuthorizedException");
    expect(s.take(answer, 0).username).toBe("alice");
  });

  it("expires after the AWS default of 3 minutes", () => {
    const s = new ChallengeSessions();
    s.issue("s-1", issued, 0);
    expect(refusal(() => s.take(answer, CHALLENGE_SESSION_TTL_MS)).message).toBe("Invalid session for the user, session is expired.");
  });

  it("restore puts a taken session back unless it has expired; old sessions are swept", () => {
    const s = new ChallengeSessions(1000);
    s.issue("s-1", issued, 0);
    const taken = s.take(answer, 10);
    s.restore("s-1", taken, 20);
    expect(s.take(answer, 30).username).toBe("alice");
    s.restore("s-1", taken, 5000);
    expect(s.size).toBe(0);
    s.issue("s-2", issued, 0);
    s.issue("s-3", issued, 2000);
    expect(s.size).toBe(1);
  });
});
