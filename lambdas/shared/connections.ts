/**
 * The connections table: one record per open WebSocket connection, written on `$connect`
 * from the authorizer's verified context and read before anything is sent to a
 * connection (invariant 6).
 */
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { MAX_CONNECTION_MS } from "../../web/js/protocol-limits.js";

export interface ConnectionRecord {
  connectionId: string;
  userId: string;
  tenantId: string;
  /** ISO 8601. */
  connectedAt: string;
  /** Epoch seconds: the ID token's `exp`. */
  tokenExpiresAt: number;
  /** Epoch seconds: DynamoDB TTL, just after API Gateway's 2-hour connection limit. */
  ttl: number;
}

/** API Gateway closes a WebSocket connection after 2 hours at the latest. */
export const MAX_CONNECTION_SECONDS = MAX_CONNECTION_MS / 1000;
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
    ttl: nowSeconds + MAX_CONNECTION_SECONDS + TTL_SLACK_SECONDS,
  };
}

export class ConnectionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(record: ConnectionRecord): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: record }));
  }

  async get(connectionId: string): Promise<ConnectionRecord | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { connectionId }, ConsistentRead: true }),
    );
    return result.Item as ConnectionRecord | undefined;
  }

  async delete(connectionId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { connectionId } }));
  }
}
