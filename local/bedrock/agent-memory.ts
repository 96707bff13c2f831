/**
 * The local agent's conversation memory: the questions asked in each Bedrock sessionId,
 * bounded in both directions (sessions and turns) so a long-running stack cannot grow
 * without limit. Keyed by sessionId only, exactly as Bedrock keys agent memory: whoever
 * names a sessionId reads its memory, which is why the chat function derives it from the sub.
 */
export interface ConversationMemoryLimits {
  maxSessions?: number;
  maxTurnsPerSession?: number;
}

export class ConversationMemory {
  private readonly sessions = new Map<string, string[]>();
  private readonly maxSessions: number;
  private readonly maxTurns: number;

  constructor(limits: ConversationMemoryLimits = {}) {
    this.maxSessions = limits.maxSessions ?? 1000;
    this.maxTurns = limits.maxTurnsPerSession ?? 20;
  }

  /** Questions asked earlier in this session, oldest first. */
  previousQuestions(sessionId: string): readonly string[] {
    return [...(this.sessions.get(sessionId) ?? [])];
  }

  remember(sessionId: string, question: string): void {
    const turns = this.sessions.get(sessionId) ?? [];
    // Re-inserting moves the session to the end of the Map: eviction below is least-recently-used.
    this.sessions.delete(sessionId);
    turns.push(question);
    if (turns.length > this.maxTurns) turns.splice(0, turns.length - this.maxTurns);
    this.sessions.set(sessionId, turns);
    while (this.sessions.size > this.maxSessions) {
      const oldest = this.sessions.keys().next().value as string;
      this.sessions.delete(oldest);
    }
  }

  /** InvokeAgent with endSession: the conversation ends and its memory goes. */
  forget(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  get size(): number {
    return this.sessions.size;
  }
}
