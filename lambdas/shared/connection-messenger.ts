/**
 * Sends server events to a WebSocket connection through the API Gateway management API,
 * and only after checking that the connection's stored owner is the user the answer is
 * for (invariant 6). The check is done once per answer channel, then cached for it.
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
  private verified: Promise<SendOutcome> | undefined;
  private state: SendOutcome | undefined;

  constructor(
    private readonly api: ApiGatewayManagementApiClient,
    private readonly connections: ConnectionStore,
    readonly connectionId: string,
    readonly userId: string,
  ) {}

  /** The connection is open and owned by `userId` (checked once, cached). */
  private verify(): Promise<SendOutcome> {
    this.verified ??= this.connections.get(this.connectionId).then((record) => {
      if (!record) return "gone" as const;
      return record.userId === this.userId ? ("sent" as const) : ("not_owner" as const);
    });
    return this.verified;
  }

  get closed(): boolean {
    return this.state === "gone" || this.state === "not_owner";
  }

  /**
   * Post one event. Returns "gone" once the connection has disappeared (its record is
   * then deleted) and "not_owner" when the record names another user; never throws for either.
   */
  async send(event: ServerEvent): Promise<SendOutcome> {
    if (this.closed) return this.state as SendOutcome;
    const ownership = await this.verify();
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
