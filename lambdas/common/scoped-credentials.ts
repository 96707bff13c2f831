/**
 * Tenant-scoped STS credentials (I3): AssumeRole on the tenant-access role with
 * session tags `tenantId` and `userId`, which the role's policy turns into DynamoDB
 * LeadingKeys conditions. Cached per (tenantId, userId) until shortly before expiry, so a
 * warm function answering one user makes one STS call per ~13 minutes, not one per answer.
 */
import { AssumeRoleCommand, type STSClient } from "@aws-sdk/client-sts";
import { isSub, isTenantId, roleSessionName } from "./identifiers";
import type { SessionAttributes } from "./session-attributes";

/**
 * The credentials as the chat function mints them and the action group rebuilds them from
 * sessionAttributes: the same three secrets, with the expiry as a Date rather than the
 * attributes' ISO string.
 */
export type ScopedCredentials = Pick<SessionAttributes, "accessKeyId" | "secretAccessKey" | "sessionToken"> & {
  expiration: Date;
};

/** Shortest session STS grants; also the most a leaked sessionAttributes copy is worth. */
export const SCOPED_CREDENTIALS_DURATION_SECONDS = 900;
/** Refresh this long before expiry, so an agent call that starts with them can finish with them. */
export const REFRESH_MARGIN_MS = 2 * 60 * 1000;
export const DEFAULT_MAX_CACHED_IDENTITIES = 1000;

export type ScopedCredentialsErrorCode = "bad_identity" | "assume_role_failed" | "incomplete_credentials";

/** Messages never carry credentials, and never the STS message (it names ARNs and principals). */
export class ScopedCredentialsError extends Error {
  override readonly name = "ScopedCredentialsError";

  constructor(
    readonly code: ScopedCredentialsErrorCode,
    message: string,
    /** The STS error's name (e.g. AccessDenied), when STS refused. */
    readonly stsErrorName?: string,
  ) {
    super(message);
  }
}

/** True while credentials expiring at `expiration` are safe to hand out at `now`. */
export function isFresh(expiration: Date, now: Date, marginMs: number = REFRESH_MARGIN_MS): boolean {
  return expiration.getTime() - marginMs > now.getTime();
}

export interface ScopedCredentialsProviderOptions {
  roleArn: string;
  now?: () => Date;
  maxEntries?: number;
  durationSeconds?: number;
}

export class ScopedCredentialsProvider {
  /** Insertion order doubles as least-recently-used order (entries are re-inserted on hit). */
  private readonly cache = new Map<string, ScopedCredentials>();
  private readonly inFlight = new Map<string, Promise<ScopedCredentials>>();
  private readonly now: () => Date;
  private readonly maxEntries: number;
  private readonly durationSeconds: number;

  constructor(
    private readonly sts: STSClient,
    private readonly options: ScopedCredentialsProviderOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_CACHED_IDENTITIES);
    this.durationSeconds = options.durationSeconds ?? SCOPED_CREDENTIALS_DURATION_SECONDS;
  }

  get cachedIdentities(): number {
    return this.cache.size;
  }

  async get(tenantId: string, userId: string): Promise<ScopedCredentials> {
    // Validated here too: the tags become IAM policy variables, so a malformed value must never reach STS.
    if (!isTenantId(tenantId)) throw new ScopedCredentialsError("bad_identity", "tenantId is malformed");
    if (!isSub(userId)) throw new ScopedCredentialsError("bad_identity", "userId is not a Cognito sub");

    // tenantId never contains "/" (TENANT_ID_PATTERN), so the key is unambiguous.
    const key = `${tenantId}/${userId}`;
    const cached = this.cache.get(key);
    if (cached && isFresh(cached.expiration, this.now())) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    if (cached) this.cache.delete(key);

    const pending = this.inFlight.get(key);
    if (pending) return pending;

    const request = this.assumeRole(tenantId, userId)
      .then((credentials) => {
        this.remember(key, credentials);
        return credentials;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, request);
    return request;
  }

  private remember(key: string, credentials: ScopedCredentials): void {
    this.cache.set(key, credentials);
    while (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }

  private async assumeRole(tenantId: string, userId: string): Promise<ScopedCredentials> {
    let response;
    try {
      response = await this.sts.send(
        new AssumeRoleCommand({
          RoleArn: this.options.roleArn,
          RoleSessionName: roleSessionName(userId),
          DurationSeconds: this.durationSeconds,
          Tags: [
            { Key: "tenantId", Value: tenantId },
            { Key: "userId", Value: userId },
          ],
        }),
      );
    } catch (error) {
      const name = error instanceof Error ? error.name : "unknown";
      throw new ScopedCredentialsError("assume_role_failed", `AssumeRole failed (${name})`, name);
    }
    const c = response.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !(c.Expiration instanceof Date)) {
      throw new ScopedCredentialsError("incomplete_credentials", "AssumeRole returned incomplete credentials");
    }
    if (Number.isNaN(c.Expiration.getTime())) {
      throw new ScopedCredentialsError("incomplete_credentials", "AssumeRole returned an invalid expiration");
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  }
}
