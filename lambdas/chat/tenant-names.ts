/**
 * The caller's tenant display name for the page's header (the `hello` frame). Read from the
 * tenants table with the caller's tenant-scoped credentials (I3): the chat role itself has
 * no access to tenant data, and the scoped role's LeadingKeys condition lets the read reach
 * the caller's own tenant row only, so no frame can carry another tenant's name. Names are
 * remembered per tenant for a few minutes (a display name changes rarely; one read and, at
 * most, one STS call per tenant per warm environment in that time).
 */
import { GetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { ScopedCredentials } from "../common/scoped-credentials";
import { createScopedClient } from "../common/scoped-dynamodb";

export const TENANT_NAME_CACHE_MS = 5 * 60 * 1000;
/** infra/config.ts allows display names of 1–100 characters. */
export const MAX_TENANT_NAME_CHARS = 100;

export interface TenantNameReaderOptions {
  region: string;
  tenantsTableName: string;
  credentials: { get(tenantId: string, userId: string): Promise<ScopedCredentials> };
  now?: () => Date;
  /** Test seam: the DynamoDB client built from the scoped credentials. */
  clientFor?: (credentials: ScopedCredentials) => { documents: Pick<DynamoDBDocumentClient, "send">; destroy(): void };
}

function scopedDocuments(region: string) {
  return (credentials: ScopedCredentials) => {
    const { base, documents } = createScopedClient(region, credentials);
    return { documents, destroy: () => base.destroy() };
  };
}

/** Pure: a display name fit for the header, or undefined (missing, not a string, blank). */
export function displayNameOf(item: Record<string, unknown> | undefined): string | undefined {
  const name = item?.displayName;
  if (typeof name !== "string" || name.trim() === "") return undefined;
  return name.trim().slice(0, MAX_TENANT_NAME_CHARS);
}

export class TenantNameReader {
  private readonly cache = new Map<string, { name: string; until: number }>();
  private readonly now: () => Date;
  private readonly clientFor: NonNullable<TenantNameReaderOptions["clientFor"]>;

  constructor(private readonly options: TenantNameReaderOptions) {
    this.now = options.now ?? (() => new Date());
    this.clientFor = options.clientFor ?? scopedDocuments(options.region);
  }

  /** The display name of `tenantId`, read as `userId` of that tenant; undefined when the row has none. */
  async nameOf(tenantId: string, userId: string): Promise<string | undefined> {
    const nowMs = this.now().getTime();
    const cached = this.cache.get(tenantId);
    if (cached && cached.until > nowMs) return cached.name;
    const credentials = await this.options.credentials.get(tenantId, userId);
    const client = this.clientFor(credentials);
    try {
      const got = await client.documents.send(
        new GetCommand({ TableName: this.options.tenantsTableName, Key: { tenantId }, ProjectionExpression: "displayName" }),
      );
      const name = displayNameOf(got.Item);
      if (name !== undefined) this.cache.set(tenantId, { name, until: nowMs + TENANT_NAME_CACHE_MS });
      return name;
    } finally {
      client.destroy();
    }
  }
}
