/**
 * The canary check, pure: over every frame received on every connection, no frame may
 * contain another user's canary, and no event may carry an answerId that this
 * connection did not send itself (an event for user A arriving on user B's connection).
 */
import type { ConnectionOwner, ReceivedFrame } from "./ws-client";

export interface WatchedConnection {
  owner?: ConnectionOwner;
  frames: readonly ReceivedFrame[];
  sentAnswerIds: ReadonlySet<string>;
}

export interface Leak {
  kind: "foreign_canary" | "foreign_event";
  /** Username of the connection's owner ("anonymous" for refused/ownerless connections). */
  receiver: string;
  detail: string;
}

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
