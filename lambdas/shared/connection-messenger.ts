/**
 * Sends server events to a WebSocket connection through the API Gateway management API,
 * and only after checking that the connection's stored owner is the user the answer is
 * for (invariant 6). The owner is read again (consistent read) before EVERY event: a
 * connection id can change hands mid-answer (disconnect, reconnect, a rewritten record),
 * and one GetItem per event is cheap next to the model call that produced it.
 */
import type { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import type { ConnectionStore } from "./connections";
import { postToConnection, type PostOutcome } from "./post-to-connection";
import type { ServerEvent } from "./protocol";

export type SendOutcome = PostOutcome | "not_owner";

/** One answer's path to one connection, for one verified user. */
export class AnswerChannel {
  /** Sticky once the connection is gone or owned by someone else: nothing is sent after. */
  private state: "gone" | "not_owner" | undefined;

  constructor(
    private readonly api: ApiGatewayManagementApiClient,
    private readonly connections: ConnectionStore,
    readonly connectionId: string,
    readonly userId: string,
  ) {}

  /** Whether the stored record, read now, says the connection is open and owned by `userId`. */
  private async ownership(): Promise<SendOutcome> {
    const record = await this.connections.get(this.connectionId);
    if (!record) return "gone";
    return record.userId === this.userId ? "sent" : "not_owner";
  }

  /**
   * Post one event. Returns "gone" once the connection has disappeared (its record is
   * then deleted) and "not_owner" when the record names another user; never throws for either.
   */
  async send(event: ServerEvent): Promise<SendOutcome> {
    if (this.state) return this.state;
    const ownership = await this.ownership();
    // A concurrent send may have closed the channel while this one was reading.
    if (this.state) return this.state;
    if (ownership !== "sent") {
      this.state = ownership;
      return ownership;
    }
    const posted = await postToConnection(this.api, this.connectionId, event);
    if (posted === "gone") {
      this.state = "gone";
      // Best effort: the record's TTL removes it anyway.
      await this.connections.delete(this.connectionId).catch(() => undefined);
    }
    return posted;
  }
}
