/**
 * Challenge sessions the gate has seen issued after a checked sign-in. cognito-local
 * accepts ANY Session string in RespondToAuthChallenge (it never stores the ones it hands
 * out), so NEW_PASSWORD_REQUIRED could set any user's password without a sign-in. AWS
 * binds a session to the user and app client, lets it live 3 minutes by default and
 * accepts it once; so does this store.
 */
import { COGNITO_MESSAGES, CognitoGateRefusal } from "./errors";

/** AWS default app-client AuthSessionValidity: 3 minutes. */
export const CHALLENGE_SESSION_TTL_MS = 3 * 60_000;

export interface ChallengeSession {
  clientId: string;
  challengeName: string;
  /** The user's username and every other name cognito-local resolves to them (its sub). */
  names: readonly string[];
  /** The canonical username (what the gate keys temporary passwords by). */
  username: string;
  expiresAt: number;
}

export interface ChallengeAnswer {
  clientId: unknown;
  challengeName: unknown;
  session: unknown;
  username: unknown;
}

export class ChallengeSessions {
  private readonly sessions = new Map<string, ChallengeSession>();

  constructor(private readonly ttlMs = CHALLENGE_SESSION_TTL_MS) {}

  issue(session: string, value: Omit<ChallengeSession, "expiresAt">, now: number): void {
    this.sweep(now);
    this.sessions.set(session, { ...value, expiresAt: now + this.ttlMs });
  }

  /**
   * Takes the session out (single use) when it answers the challenge it was issued for, by
   * the same client, for the same user; throws the AWS refusal otherwise. `restore` puts it
   * back when the answer itself failed (a weak new password), as AWS lets the user retry.
   */
  take(answer: ChallengeAnswer, now: number): ChallengeSession {
    const id = typeof answer.session === "string" ? answer.session : undefined;
    const found = id === undefined ? undefined : this.sessions.get(id);
    if (!found || id === undefined) throw new CognitoGateRefusal("NotAuthorizedException", COGNITO_MESSAGES.invalidSession);
    if (found.expiresAt <= now) {
      this.sessions.delete(id);
      throw new CognitoGateRefusal("NotAuthorizedException", COGNITO_MESSAGES.expiredSession);
    }
    const sameUser = typeof answer.username === "string" && found.names.includes(answer.username);
    if (answer.clientId !== found.clientId || answer.challengeName !== found.challengeName || !sameUser) {
      throw new CognitoGateRefusal("NotAuthorizedException", COGNITO_MESSAGES.invalidSession);
    }
    this.sessions.delete(id);
    return found;
  }

  restore(session: string, value: ChallengeSession, now: number): void {
    if (value.expiresAt > now) this.sessions.set(session, value);
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(now: number): void {
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
  }
}
