/**
 * The caller's tenant display name for the page's header (the `hello` frame). Read from the
 * tenants table with the caller's tenant-scoped credentials (I3): the chat role itself has
 * no access to tenant data, and the scoped role's LeadingKeys condition lets the read reach
 * the caller's own tenant row only, so no frame can carry another tenant's name. Names are
 * remembered per tenant for a few minutes (a display name changes rarely; one read and, at
 * most, one STS call per tenant per warm environment in that time).
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { ScopedCredentials } from "../common/scoped-credentials";
import { ScopedDynamoDb } from "../common/scoped-dynamodb";

export const TENANT_NAME_CACHE_MS = 5 * 60 * 1000;
/** infra/config.ts allows display names of 1–100 characters. */
export const MAX_TENANT_NAME_CHARS = 100;

export interface TenantNameReaderOptions {
  region: string;
  tenantsTableName: string;
  credentials: { get(tenantId: string, userId: string): Promise<ScopedCredentials> };
  now?: () => Date;
  /**
   * Test seam: the tenant-data client, each request signed with the given scoped
   * credentials (by default one per reader, so one per execution environment).
   */
  tables?: Pick<ScopedDynamoDb, "as">;
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
  private readonly tables: Pick<ScopedDynamoDb, "as">;

  constructor(private readonly options: TenantNameReaderOptions) {
    this.now = options.now ?? (() => new Date());
    this.tables = options.tables ?? new ScopedDynamoDb(options.region);
  }

  /** The display name of `tenantId`, read as `userId` of that tenant; undefined when the row has none. */
  async nameOf(tenantId: string, userId: string): Promise<string | undefined> {
    const nowMs = this.now().getTime();
    const cached = this.cache.get(tenantId);
    if (cached && cached.until > nowMs) return cached.name;
    const credentials = await this.options.credentials.get(tenantId, userId);
    const got = await this.tables
      .as(credentials)
      .send(new GetCommand({ TableName: this.options.tenantsTableName, Key: { tenantId }, ProjectionExpression: "displayName" }));
    const name = displayNameOf(got.Item);
    if (name !== undefined) this.cache.set(tenantId, { name, until: nowMs + TENANT_NAME_CACHE_MS });
    return name;
  }
}
