/**
 * One answer's running usage (I22), counted by the answer step's own code: tokens and tool
 * calls from the agent's trace (numbers only, trace-usage.ts), and the events that carried
 * the answer's text and the bytes actually posted to the asker's connection (counted where
 * they are sent).
 */
import type { TracePart } from "@aws-sdk/client-bedrock-agent-runtime";
import type { AnswerChannel, PostOutcome } from "../common/connections";
import type { ServerEvent } from "../common/server-events";
import type { AnswerOutcome, AnswerUsage } from "../common/usage-records";
import { traceUsage } from "./trace-usage";

/** What the answer step sends through. */
export type EventSink = Pick<AnswerChannel, "send">;

export class AnswerTally {
  inputTokens = 0;
  outputTokens = 0;
  toolCalls = 0;
  /** Events posted that carried answer text: `chunk` events, and a `done` with `text`. */
  chunks = 0;
  /** UTF-8 bytes of every event posted for the answer (as serialised on the wire). */
  bytes = 0;

  /** Takes the usage numbers of one trace event; the event itself is not kept. */
  addTrace(part: TracePart | undefined): void {
    const usage = traceUsage(part);
    this.inputTokens += usage.inputTokens;
    this.outputTokens += usage.outputTokens;
    this.toolCalls += usage.toolCalls;
  }

  /** `channel`, counting what it posts. */
  metered(channel: EventSink): EventSink {
    return {
      send: async (event: ServerEvent): Promise<PostOutcome> => {
        const outcome = await channel.send(event);
        if (outcome === "sent") {
          this.bytes += Buffer.byteLength(JSON.stringify(event), "utf8");
          if (event.type === "chunk" || (event.type === "done" && event.text !== undefined)) this.chunks += 1;
        }
        return outcome;
      },
    };
  }

  usage(ids: { tenantId: string; userId: string; answerId: string }, startedAt: Date, endedAt: Date, outcome: AnswerOutcome): AnswerUsage {
    return {
      tenantId: ids.tenantId,
      userId: ids.userId,
      answerId: ids.answerId,
      startedAt,
      endedAt,
      outcome,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      toolCalls: this.toolCalls,
      chunks: this.chunks,
      bytes: this.bytes,
    };
  }
}
