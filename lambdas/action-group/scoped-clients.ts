/**
 * DynamoDB clients built from the tenant-scoped credentials of one session, never from
 * the default credential chain (invariant 4: the function's own role reads no tenant
 * data). Cached per access key id so warm invocations of the same session reuse their
 * connections; the cache is small and evicts the least recently used entry.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { ScopedCredentials } from "../shared/scoped-credentials";

export const DEFAULT_MAX_CACHED_CLIENTS = 16;

export interface ScopedClient {
  documents: DynamoDBDocumentClient;
  /** Kept to release sockets: DynamoDBDocumentClient.destroy() is a no-op. */
  base: DynamoDBClient;
}

export function createScopedClient(region: string, credentials: ScopedCredentials): ScopedClient {
  // A static credentials object: the SDK never consults the environment or the role.
  const base = new DynamoDBClient({
    region,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      expiration: credentials.expiration,
    },
  });
  return { base, documents: DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } }) };
}

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
