/**
 * Sends server events to a WebSocket connection through the API Gateway management API,
 * and only after checking that the connection's stored owner is the user the answer is
 * for (invariant 6). The owner is read again (consistent read) before EVERY event: a
 * connection id can change hands mid-answer (disconnect, reconnect, a rewritten record),
 * and one GetItem per event is cheap next to the model call that produced it.
 */
import {
  GoneException,
  PostToConnectionCommand,
  type ApiGatewayManagementApiClient,
} from "@aws-sdk/client-apigatewaymanagementapi";
import type { ServerEvent } from "./protocol";
import type { ConnectionStore } from "./connections";

export type SendOutcome = "sent" | "gone" | "not_owner";

export class ConnectionNotOwnedError extends Error {
  readonly code = "connection_not_owned";
  constructor() {
    super("the connection does not belong to the user being answered");
    this.name = "ConnectionNotOwnedError";
  }
}

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

  get closed(): boolean {
    return this.state === "gone" || this.state === "not_owner";
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
    try {
      await this.api.send(
        new PostToConnectionCommand({
          ConnectionId: this.connectionId,
          Data: Buffer.from(JSON.stringify(event), "utf8"),
        }),
      );
      return "sent";
    } catch (error) {
      if (error instanceof GoneException || (error as { name?: string }).name === "GoneException") {
        this.state = "gone";
        await this.connections.delete(this.connectionId).catch(() => undefined);
        return "gone";
      }
      throw error;
    }
  }
}

export function answerChannel(
  api: ApiGatewayManagementApiClient,
  connections: ConnectionStore,
  connectionId: string,
  userId: string,
): AnswerChannel {
  return new AnswerChannel(api, connections, connectionId, userId);
}
