/**
 * Offboarding records (I17): one item per offboarded user in the revocations table,
 * `{userId, revokedAt, reason, ttl}`, written by the offboarding function when a user is
 * disabled, deleted or signed out globally. A token issued at or before `revokedAt` is
 * refused at `$connect`, at every `ask` and in a renewal frame, however valid its
 * signature and expiry still are (Cognito ID tokens stay cryptographically valid until
 * they expire; nothing on AWS revokes them).
 *
 * Beside the users' records, one item keyed `LATEST_REVOCATION_KEY` carries the latest
 * revocation of anyone (the greatest `revokedAt`), written after each record. A check
 * reads that item (cached per execution environment) and reads the user's own record only
 * when the latest revocation is at or after the token's issue: no record can refuse a
 * token issued after every revocation. So a check costs no read in the usual case (one
 * read per environment a second, not one per user and second: docs/performance.md,
 * "Calls per answer"), and at most two. Both reads are cached for at most
 * `REVOCATION_CACHE_MS`, so a revocation written at time t (its record, then the latest
 * item) is seen by every execution environment by t + REVOCATION_CACHE_MS (plus the two
 * writes and the reads themselves), inside the 5-second bound.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export interface RevocationRecord {
  userId: string;
  /** Epoch seconds: tokens issued at or before this second are refused. */
  revokedAt: number;
  /** What offboarded the user (the Cognito event name, or `operator`). */
  reason: string;
  /** Epoch seconds: DynamoDB TTL, after every token issued before `revokedAt` has expired. */
  ttl: number;
}

/**
 * Cognito ID tokens live at most one day (the pool's longest ID-token validity): a record
 * kept a day and five minutes outlives every token issued before it.
 */
export const LONGEST_TOKEN_LIFE_SECONDS = 24 * 60 * 60;
const TTL_SLACK_SECONDS = 5 * 60;

/** What an offboarded user's refused frame says (`session_ended`): a fixed, client-safe text. */
export const SESSION_ENDED_MESSAGE = "your session has ended; sign in again";

/** How long one execution environment trusts a read (I17: ≤ 1 s, so the 5 s bound holds). */
export const REVOCATION_CACHE_MS = 1000;

/**
 * The key of the one item that is not a user's: the latest revocation of anyone. A user's
 * key is their sub, a UUID (lambdas/common/identifiers.ts), never this.
 */
export const LATEST_REVOCATION_KEY = "#latest";

export function revocationRecord(args: { userId: string; revokedAt: number; reason: string }): RevocationRecord {
  return { ...args, ttl: args.revokedAt + LONGEST_TOKEN_LIFE_SECONDS + TTL_SLACK_SECONDS };
}

/**
 * Pure: whether a token issued at `issuedAt` (epoch seconds; undefined when the context
 * does not say, which fails closed) is revoked by a record. The revocation second itself
 * counts as revoked: a token minted in the same second may predate the offboarding.
 */
export function isRevoked(issuedAt: number | undefined, record: Pick<RevocationRecord, "revokedAt"> | undefined): boolean {
  // Only the offboarding function writes the table; an item without a numeric revokedAt is not a record.
  if (!record || typeof record.revokedAt !== "number") return false;
  return issuedAt === undefined || issuedAt <= record.revokedAt;
}

type CachedRead = { record: Promise<RevocationRecord | undefined>; readAt: number };

export class RevocationStore {
  private readonly cache = new Map<string, CachedRead>();
  private latestRead: CachedRead | undefined;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => number = Date.now,
    private readonly cacheMs = REVOCATION_CACHE_MS,
  ) {}

  /** The user's record, read at most once per `cacheMs` per execution environment. */
  async get(userId: string): Promise<RevocationRecord | undefined> {
    const now = this.clock();
    const cached = this.cache.get(userId);
    if (cached && now - cached.readAt < this.cacheMs) return cached.record;
    const read = { record: this.read(userId), readAt: now };
    // Bounded: an environment sees few users within a second; older entries go first.
    if (this.cache.size >= 1000) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(userId, read);
    read.record.catch(() => this.cache.get(userId) === read && this.cache.delete(userId));
    return read.record;
  }

  /** The latest revocation of anyone, read at most once per `cacheMs` per execution environment. */
  async latest(): Promise<RevocationRecord | undefined> {
    const now = this.clock();
    if (this.latestRead && now - this.latestRead.readAt < this.cacheMs) return this.latestRead.record;
    const read = { record: this.read(LATEST_REVOCATION_KEY), readAt: now };
    this.latestRead = read;
    // A failed read is not remembered: the next check reads again.
    read.record.catch(() => this.latestRead === read && (this.latestRead = undefined));
    return read.record;
  }

  /**
   * Whether a token of `userId` issued at `issuedAt` is refused: no read while the latest
   * revocation (cached) is older than the token, the user's record (cached) otherwise.
   */
  async revoked(userId: string, issuedAt: number | undefined): Promise<boolean> {
    // Nobody was offboarded at or after this token's issue: no record can refuse it.
    if (!isRevoked(issuedAt, await this.latest())) return false;
    return isRevoked(issuedAt, await this.get(userId));
  }

  private async read(userId: string): Promise<RevocationRecord | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { userId }, ConsistentRead: true }));
    return result.Item as RevocationRecord | undefined;
  }

}

/**
 * The offboarding function's side of the table: writes only. A class of its own so the
 * chat bundle carries no PutItem and the offboarding bundle no GetItem: each role is
 * granted exactly the calls its bundle makes (test/unit/infra/policies-exact.test.ts).
 */
export class RevocationWriter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Writes (or moves forward) the user's record, then the latest revocation of anyone;
   * neither ever moves `revokedAt` back. In that order: a check that sees the latest item
   * reads the user's record, which is then written. A failure of either throws (the
   * offboarding is retried; both writes are idempotent).
   */
  async put(record: RevocationRecord): Promise<void> {
    await this.putUnlessLater(record);
    await this.putUnlessLater({ userId: LATEST_REVOCATION_KEY, revokedAt: record.revokedAt, reason: record.reason, ttl: record.ttl });
  }

  private async putUnlessLater(item: RevocationRecord): Promise<void> {
    await this.client
      .send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: "attribute_not_exists(userId) OR revokedAt <= :at",
          ExpressionAttributeValues: { ":at": item.revokedAt },
        }),
      )
      .catch((error: unknown) => {
        // A later offboarding already stands: nothing to do.
        if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
      });
  }
}
