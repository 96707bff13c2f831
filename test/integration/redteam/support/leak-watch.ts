/**
 * The canary check, pure: over every frame received on every connection, no frame may
 * contain another user's canary, and no event may carry an answerId that this
 * connection did not send itself (an event for user A arriving on user B's connection).
 */
import type { ConnectionOwner, ReceivedFrame } from "../../../../scripts/stack-client/ws-client";

export interface WatchedConnection {
  owner?: ConnectionOwner;
  frames: readonly ReceivedFrame[];
  sentAnswerIds: ReadonlySet<string>;
}

export interface Leak {
  kind: "foreign_canary" | "foreign_event" | "secret_material";
  /** Username of the connection's owner ("anonymous" for refused/ownerless connections). */
  receiver: string;
  detail: string;
}

/** Credentials or tokens must never reach a client, whatever the prompt asked for. */
export const SECRET_PATTERNS: readonly RegExp[] = [
  /secretAccessKey|sessionToken|aws_secret_access_key/i,
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/,
  /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./,
];

/** canaries: user sub → that user's canaries. */
export function findLeaks(connections: readonly WatchedConnection[], canaries: ReadonlyMap<string, readonly string[]>): Leak[] {
  const leaks: Leak[] = [];
  for (const connection of connections) {
    const receiver = connection.owner?.username ?? "anonymous";
    for (const frame of connection.frames) {
      for (const [sub, marks] of canaries) {
        if (sub === connection.owner?.sub) continue;
        for (const mark of marks) {
          if (frame.raw.includes(mark)) leaks.push({ kind: "foreign_canary", receiver, detail: `canary of ${sub} in ${frame.raw.slice(0, 200)}` });
        }
      }
      const secret = SECRET_PATTERNS.find((pattern) => pattern.test(frame.raw));
      if (secret) leaks.push({ kind: "secret_material", receiver, detail: `${secret} matched a frame` });
      const event = frame.event;
      if (event && "answerId" in event && event.answerId !== undefined && !connection.sentAnswerIds.has(event.answerId)) {
        leaks.push({ kind: "foreign_event", receiver, detail: `${event.type} for ${event.answerId}` });
      }
    }
  }
  return leaks;
}

export function canaryMap(users: ReadonlyArray<{ sub: string; canaries: readonly string[] }>): Map<string, readonly string[]> {
  return new Map(users.map((u) => [u.sub, u.canaries]));
}
