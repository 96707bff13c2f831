/**
 * WebSocket connections: the connections table (one record per open connection, written on
 * `$connect` from the authorizer's verified context) and the only ways anything is sent to
 * a connection through the API Gateway management API:
 *
 * - `replyToSender`: a route-level reply posted at once to the connection that sent the frame
 *   being answered. Most replies (`pong`, `accepted`, rejections) are not posted at all: they
 *   are the chat function's returned body, which API Gateway sends back on the same
 *   connection (a route response, lambdas/chat/routes.ts); this is for the one that must
 *   arrive before the function closes the connection. API Gateway supplies that connectionId
 *   together with the authorizer context of the same connection, so the recipient IS the
 *   requester and the reply needs no ownership lookup (which would also leave a client
 *   with no registered record without its error, breaking I9).
 * - `AnswerChannel`: anything sent to a connection named in data (the answer step, the
 *   action group's status events) goes through its ownership check first (I6): the stored
 *   owner, read once and then remembered by the execution environment (`KnownOwners`).
 *
 * Sending never deletes a record: a connection API Gateway no longer knows is simply
 * "gone". Records are deleted only by the chat function's `$disconnect` and by the
 * offboarding function (I17), and otherwise expire by TTL. So a sender needs only a
 * `ConnectionReader` (GetItem), which is all the action group's role allows.
 */
import {
  DeleteConnectionCommand,
  PostToConnectionCommand,
  type ApiGatewayManagementApiClient,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { MAX_CONNECTION_MS } from "../../web/js/protocol-limits.js";
import type { ServerEvent } from "./server-events";

export interface ConnectionRecord {
  connectionId: string;
  userId: string;
  tenantId: string;
  /** ISO 8601. */
  connectedAt: string;
  /**
   * Epoch seconds: the ID token's `exp`, moved forward by each accepted `renew` frame
   * (lambdas/chat/renew-route.ts). The connection is served until the later of this and
   * its authorizer context's expiry (I2).
   */
  tokenExpiresAt: number;
  /** Epoch seconds: DynamoDB TTL, just after API Gateway's 2-hour connection limit. */
  ttl: number;
}

const TTL_SLACK_SECONDS = 5 * 60;

export function connectionRecord(args: {
  connectionId: string;
  userId: string;
  tenantId: string;
  tokenExpiresAt: number;
  now: Date;
}): ConnectionRecord {
  const nowSeconds = Math.floor(args.now.getTime() / 1000);
  return {
    connectionId: args.connectionId,
    userId: args.userId,
    tenantId: args.tenantId,
    connectedAt: args.now.toISOString(),
    tokenExpiresAt: args.tokenExpiresAt,
    // Computed here, not in a module-level constant: a bundle that never builds a record
    // (the action group) then carries none of it.
    ttl: nowSeconds + MAX_CONNECTION_MS / 1000 + TTL_SLACK_SECONDS,
  };
}

/** Reads connection records by key (consistent): the owner check of every send (I6). */
export class ConnectionReader {
  constructor(
    protected readonly client: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  async get(connectionId: string): Promise<ConnectionRecord | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { connectionId }, ConsistentRead: true }),
    );
    return result.Item as ConnectionRecord | undefined;
  }
}

/**
 * The chat function's store: `$connect` writes the record, `$disconnect` deletes it. The
 * action group never builds one, so its bundle carries no PutItem or DeleteItem
 * (test/unit/infra/policies-exact.test.ts).
 */
export class ConnectionStore extends ConnectionReader {
  async put(record: ConnectionRecord): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: record }));
  }

  async delete(connectionId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { connectionId } }));
  }

  /**
   * A renewal (I2): the record rewritten with a later `tokenExpiresAt`, only while it still
   * names the same owner (conditional put: a record deleted or rewritten meanwhile is left
   * alone). False when the condition failed.
   */
  async extend(record: ConnectionRecord, tokenExpiresAt: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...record, tokenExpiresAt },
          ConditionExpression: "userId = :u AND tenantId = :t",
          ExpressionAttributeValues: { ":u": record.userId, ":t": record.tenantId },
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === "ConditionalCheckFailedException") return false;
      throw error;
    }
  }
}

/**
 * Until when a connection is served (epoch seconds): its authorizer context's token expiry,
 * or the later expiry a renewal wrote to its record, when that record names the caller.
 * Pure.
 */
export function servedUntil(
  caller: { userId: string; tenantId: string; tokenExpiresAt: number },
  record: ConnectionRecord | undefined,
): number {
  if (!record || record.userId !== caller.userId || record.tenantId !== caller.tenantId) return caller.tokenExpiresAt;
  const renewed = typeof record.tokenExpiresAt === "number" && Number.isSafeInteger(record.tokenExpiresAt) ? record.tokenExpiresAt : 0;
  return Math.max(caller.tokenExpiresAt, renewed);
}

/**
 * Hang up on a connection (a renewal carrying another user's token, or an offboarded
 * user's): forget its owner and its record first, so this environment serves nothing more on
 * it even if the hang-up fails (another environment that remembers the owner serves the
 * socket's own user until their token expires, docs/threat-model.md T19), then
 * DeleteConnection (one already gone is fine).
 */
export async function hangUp(
  deps: { readonly api: ApiGatewayManagementApiClient; readonly connections: ConnectionStore; readonly knownOwners?: KnownOwners },
  connectionId: string,
): Promise<void> {
  deps.knownOwners?.forget(connectionId);
  await deps.connections.delete(connectionId);
  try {
    await deps.api.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
  } catch (error) {
    if (!isGoneException(error)) throw error;
  }
}

/** Who a connection belongs to, as its record says. */
export interface ConnectionOwner {
  userId: string;
  tenantId: string;
}

/**
 * The owners of connections this execution environment has read (I6): connection id →
 * the `userId` and `tenantId` of its stored record. Remembering them is sound for the
 * reason one read per answer is (AnswerChannel, docs/threat-model.md T19): API Gateway
 * never reuses a connection id and the record is written only at `$connect`, from that
 * socket's verified authorizer context (a renewal rewrites only its expiry, and only while
 * it names the same owner: `extend`), so the owner read once is the owner for the
 * connection's whole life. Only records that exist are remembered (a missing one is read
 * again), and a connection that has closed answers 410 to the next post whatever is
 * remembered. The chat function's ask route trusts it too, while the caller's own token
 * serves (lambdas/chat/routes.ts). A connection this environment hangs up on or sees
 * close is forgotten. Bounded: the oldest entries go first.
 */
export const MAX_KNOWN_OWNERS = 1000;

export class KnownOwners {
  private readonly owners = new Map<string, ConnectionOwner>();

  constructor(private readonly maxEntries: number = MAX_KNOWN_OWNERS) {}

  get(connectionId: string): ConnectionOwner | undefined {
    return this.owners.get(connectionId);
  }

  remember(record: Pick<ConnectionRecord, "connectionId" | "userId" | "tenantId">): void {
    if (this.owners.has(record.connectionId)) return;
    if (this.owners.size >= this.maxEntries) this.owners.delete(this.owners.keys().next().value as string);
    this.owners.set(record.connectionId, { userId: record.userId, tenantId: record.tenantId });
  }

  forget(connectionId: string): void {
    this.owners.delete(connectionId);
  }
}

export type PostOutcome = "sent" | "gone";
export type SendOutcome = PostOutcome | "not_owner";

/** Matched by name, not class: an error deserialised by another copy of the SDK is not our class. */
export function isGoneException(error: unknown): boolean {
  return (error as { name?: unknown } | null | undefined)?.name === "GoneException";
}

/**
 * One server event to one connection. Low level on purpose: it checks no ownership and
 * touches no table. "gone" when API Gateway no longer knows the connection (HTTP 410);
 * any other failure is rethrown.
 */
export async function postToConnection(
  api: ApiGatewayManagementApiClient,
  connectionId: string,
  event: ServerEvent,
): Promise<PostOutcome> {
  try {
    await api.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(JSON.stringify(event), "utf8") }));
    return "sent";
  } catch (error) {
    if (isGoneException(error)) return "gone";
    throw error;
  }
}

/**
 * A route-level reply to the connection whose frame is being answered (see the file
 * comment). A connection that is gone is left to `$disconnect` and the record's TTL.
 */
export async function replyToSender(
  deps: { readonly api: ApiGatewayManagementApiClient },
  connectionId: string,
  event: ServerEvent,
): Promise<PostOutcome> {
  return postToConnection(deps.api, connectionId, event);
}

/**
 * One answer's path to one connection, for one verified user (I6). `open` reads the stored
 * owner once (consistent read; not again in an environment that already knows it,
 * `KnownOwners`) and yields a channel only when it names that user; every event of the
 * answer then goes out without another read. Sound because the owner of a
 * connection id cannot change while the connection lives: API Gateway never reuses a
 * connection id, and the record is written only at `$connect`, from the authorizer's
 * verified context, for the socket that was just upgraded (docs/threat-model.md T19).
 * A record rewritten later names a socket whose owner it does not change; a connection
 * that closes mid-answer is reported by PostToConnection as gone (410), which closes the
 * channel, so a record deleted mid-answer needs no read to be noticed either.
 */
export class AnswerChannel {
  /** Sticky once the connection is gone: nothing is sent after. */
  private state: "gone" | undefined;

  private constructor(
    readonly api: ApiGatewayManagementApiClient,
    readonly connectionId: string,
    readonly userId: string,
  ) {}

  /**
   * The channel to `connectionId` when its stored record names `userId` (and `tenantId`,
   * when given); "gone" without a record, "not_owner" when it names anyone else.
   */
  static async open(
    deps: { readonly api: ApiGatewayManagementApiClient; readonly connections: ConnectionReader; readonly knownOwners?: KnownOwners },
    owner: { connectionId: string; userId: string; tenantId?: string },
  ): Promise<AnswerChannel | "gone" | "not_owner"> {
    let record: ConnectionOwner | undefined = deps.knownOwners?.get(owner.connectionId);
    if (!record) {
      const stored = await deps.connections.get(owner.connectionId);
      if (!stored) return "gone";
      deps.knownOwners?.remember(stored);
      record = stored;
    }
    if (record.userId !== owner.userId) return "not_owner";
    if (owner.tenantId !== undefined && record.tenantId !== owner.tenantId) return "not_owner";
    return new AnswerChannel(deps.api, owner.connectionId, owner.userId);
  }

  /** Post one event; "gone" once the connection has disappeared. Never throws for that. */
  async send(event: ServerEvent): Promise<PostOutcome> {
    if (this.state) return this.state;
    const posted = await postToConnection(this.api, this.connectionId, event);
    if (posted === "gone") this.state = posted;
    return posted;
  }
}
