/**
 * Everything a tool call derives from the session: the caller's identity and scoped
 * credentials (taken ONLY from sessionAttributes), the DynamoDB client built from those
 * credentials, and the `status` channel to the caller's connection.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import { AnswerChannel, type ConnectionReader, type KnownOwners, type SendOutcome } from "../common/connections";
import { errorSummary } from "../common/logger";
import { status } from "../common/protocol";
import type { ScopedCredentials } from "../common/scoped-credentials";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createScopedClient, type ScopedClient } from "../common/scoped-dynamodb";
import { SessionAttributes } from "../common/session-attributes";
import { ToolError } from "./errors";

export interface SessionIdentity {
  tenantId: string;
  userId: string;
  answerId: string;
  connectionId: string;
  credentials: ScopedCredentials;
}

/**
 * Credentials this close to expiry are refused up front rather than failing halfway
 * through a tool call with a less specific error.
 */
export const EXPIRY_MARGIN_MS = 5_000;

export function readSessionIdentity(sessionAttributes: unknown, now: Date = new Date()): SessionIdentity {
  const parsed = SessionAttributes.safeParse(sessionAttributes);
  // The zod issues would name values from the event: keep only the code.
  if (!parsed.success) throw new ToolError("missing_identity");
  const a = parsed.data;
  const expiration = new Date(a.credentialsExpiration);
  if (expiration.getTime() - EXPIRY_MARGIN_MS <= now.getTime()) throw new ToolError("credentials_expired");
  return {
    tenantId: a.tenantId,
    userId: a.userId,
    answerId: a.answerId,
    connectionId: a.connectionId,
    credentials: {
      accessKeyId: a.accessKeyId,
      secretAccessKey: a.secretAccessKey,
      sessionToken: a.sessionToken,
      expiration,
    },
  };
}

/**
 * DynamoDB clients built from the tenant-scoped credentials of one session, never from
 * the default credential chain (I4: the function's own role reads no tenant
 * data). Cached per access key id so warm invocations of the same session reuse their
 * connections; the cache is small and evicts the least recently used entry.
 */
export const DEFAULT_MAX_CACHED_CLIENTS = 16;

interface CacheEntry {
  client: ScopedClient;
  /** Guards against a reused key id arriving with different secrets: never mix them. */
  secretAccessKey: string;
  sessionToken: string;
  expiresAt: number;
}

export class ScopedClientCache {
  private readonly entries = new Map<string, CacheEntry>();

  constructor(
    private readonly region: string,
    private readonly maxEntries: number = DEFAULT_MAX_CACHED_CLIENTS,
    private readonly create: typeof createScopedClient = createScopedClient,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  clientFor(credentials: ScopedCredentials, now: Date = new Date()): DynamoDBDocumentClient {
    this.evictExpired(now.getTime());
    const key = credentials.accessKeyId;
    const cached = this.entries.get(key);
    if (
      cached &&
      cached.secretAccessKey === credentials.secretAccessKey &&
      cached.sessionToken === credentials.sessionToken
    ) {
      // Re-insert to mark as most recently used.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached.client.documents;
    }
    if (cached) this.drop(key);
    const client = this.create(this.region, credentials);
    this.entries.set(key, {
      client,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      expiresAt: credentials.expiration.getTime(),
    });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.drop(oldest);
    }
    return client.documents;
  }

  private evictExpired(nowMs: number): void {
    for (const [key, entry] of this.entries) if (entry.expiresAt <= nowMs) this.drop(key);
  }

  private drop(key: string): void {
    this.entries.get(key)?.client.base.destroy();
    this.entries.delete(key);
  }
}

/**
 * Tool progress (`status` events) for the caller's connection. The connection comes from
 * sessionAttributes and AnswerChannel checks that its stored owner is the verified user
 * before posting (I6), reading it once per connection when given the environment's
 * `knownOwners`. Progress is best effort: a failure is logged, never
 * turned into a tool failure.
 */
export type StatusOutcome = SendOutcome | "failed";

/** Never rejects. */
export type StatusPoster = (identity: SessionIdentity, text: string) => Promise<StatusOutcome>;

export function createStatusPoster(
  api: ApiGatewayManagementApiClient,
  connections: ConnectionReader,
  logger: Pick<Logger, "warn" | "debug">,
  knownOwners?: KnownOwners,
): StatusPoster {
  return async (identity, text) => {
    try {
      const channel = await AnswerChannel.open(
        { api, connections, knownOwners },
        { connectionId: identity.connectionId, userId: identity.userId, tenantId: identity.tenantId },
      );
      const outcome = typeof channel === "string" ? channel : await channel.send(status(identity.answerId, text));
      if (outcome === "not_owner") logger.warn("status not posted: connection belongs to another user");
      else if (outcome === "gone") logger.debug("status not posted: connection gone");
      return outcome;
    } catch (error) {
      logger.warn("status not posted", errorSummary(error));
      return "failed";
    }
  };
}
