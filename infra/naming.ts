/**
 * Physical names of the stack's resources, from project, stage (the Pulumi stack name)
 * and Region. Pure, so the Pulumi program, the local stack and the operator tools agree
 * on every name.
 *
 * A Pulumi stack name may be up to 100 of `[A-Za-z0-9_.-]`; AWS names are stricter (IAM
 * roles ≤ 64, Bedrock agents `^([0-9a-zA-Z][_-]?){1,100}$`, API Gateway stages
 * `[A-Za-z0-9_-]`, S3 lowercase). So every name is built from one compliant STEM of the
 * stage: lowercase `[a-z0-9-]`, no `--`, at most STEM_MAX characters, and — whenever the
 * stage had to be changed to get there — a short stable hash of the original stage, so two
 * stages never share a stem ("Dev" ≠ "dev", "a.b" ≠ "a-b"). IAM is global: role names also
 * carry a short code of the Region, so one stage deploys to two Regions without collision.
 * The limits each name meets are enforced by test/unit/infra/support/aws-rules.ts.
 */
import { createHash } from "node:crypto";

export type FunctionName = "authorizer" | "chat" | "action-group" | "offboarding";
export const FUNCTION_NAMES: readonly FunctionName[] = ["authorizer", "chat", "action-group", "offboarding"];

/**
 * Every IAM role of the stack: each function's own, tenant access, the agent's, the
 * knowledge base's, and API Gateway's CloudWatch Logs role when the stack manages it.
 */
export type RoleName = FunctionName | "tenant-access" | "agent" | "knowledge-base" | "api-logs";

/** The WebSocket subprotocol the page offers next to its token. */
export const APP_PROTOCOL = "mta.v1";

/**
 * The stem's budget: the longest name built on it is an IAM role,
 * `<project>-<stem>-knowledge-base-<region code>` ≤ 64 with the 22-character project name
 * and a Region code of up to 7 (`usgovw1`), so 64 − 23 − 16 − 7 = 18.
 */
export const STEM_MAX = 18;
const HASH_LENGTH = 6;
const IAM_ROLE_MAX = 64;

export interface StackNames {
  /** The stage's compliant stem (see above); also the API Gateway stage name. */
  stage: string;
  /** `<project>-<stem>`: every physical name starts with it. */
  prefix: string;
  tenantsTable: string;
  connectionsTable: string;
  /** Per-user ask counters (fixed one-minute windows, expired by TTL). */
  limitsTable: string;
  /** Offboarding records (I17): one per offboarded user, expired by TTL. */
  revocationsTable: string;
  /** Usage counters and per-answer records (lambdas/common/usage-keys.ts), expired by TTL. */
  usageTable: string;
  /** `…-orders-` : the per-tenant orders table is this prefix + tenantId. */
  ordersTablePrefix: string;
  ordersTable(tenantId: string): string;
  functionName(fn: FunctionName): string;
  /** IAM role name: ≤ 64 characters, unique per Region (IAM names are account-global). */
  roleName(role: RoleName): string;
  /** The function's execution role. */
  functionRoleName(fn: FunctionName): string;
  tenantAccessRole: string;
  connectionsUserIndex: string;
  userPool: string;
  userPoolClient: string;
  api: string;
  authorizer: string;
  agent: string;
  knowledgeBase: string;
  /** S3 Vectors bucket: 3–63 of `[a-z0-9-]`, unique in the account and Region. */
  vectorBucket: string;
  offboardingRule: string;
  /** The trail logging management events, when the stack creates one (`offboardingTrail`): 3–128 of `[A-Za-z0-9._-]`. */
  offboardingTrail: string;
  /** CloudWatch namespace of the chat function's per-tenant metrics, read by the stage's dashboard. */
  metricsNamespace: string;
  /** The stage's CloudWatch dashboard. */
  dashboard: string;
}

/** A short stable hash (hex) of any text. */
export function shortHash(text: string, length = HASH_LENGTH): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** The stage as `[a-z0-9-]`, no `--`, ≤ STEM_MAX, hashed whenever anything had to change. */
export function stageStem(stage: string): string {
  const slug = stage
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug === stage && slug.length > 0 && slug.length <= STEM_MAX) return slug;
  const kept = slug.slice(0, STEM_MAX - HASH_LENGTH - 1).replace(/-+$/, "");
  return kept ? `${kept}-${shortHash(stage)}` : shortHash(stage);
}

/** Direction words of Region names (`ap-southeast-2` → `apse2`). */
const REGION_WORDS: Record<string, string> = {
  east: "e",
  west: "w",
  north: "n",
  south: "s",
  central: "c",
  northeast: "ne",
  northwest: "nw",
  southeast: "se",
  southwest: "sw",
  gov: "gov",
  iso: "iso",
  isob: "isob",
};

/**
 * A compact code of a Region for IAM names: `us-east-1` → `use1`, `us-gov-west-1` →
 * `usgovw1`, `cn-northwest-1` → `cnnw1`. An unforeseen word falls back to a hash of the
 * Region, so the code stays unique and short.
 */
export function regionCode(region: string): string {
  const parts = region.split("-");
  const words = parts.slice(1, -1).map((w) => REGION_WORDS[w]);
  const last = parts.at(-1) ?? "";
  if (parts.length < 3 || !/^[a-z]{2}$/.test(parts[0]) || !/^\d+$/.test(last) || words.some((w) => w === undefined)) {
    return `r${shortHash(region, 5)}`;
  }
  return `${parts[0]}${words.join("")}${last}`;
}

export function stackNames(project: string, stage: string, region: string): StackNames {
  const stem = stageStem(stage);
  const prefix = `${project}-${stem}`;
  const ordersTablePrefix = `${prefix}-orders-`;
  const roleName = (role: RoleName) => {
    const name = `${prefix}-${role}-${regionCode(region)}`;
    // Only a project name longer than this one's could overflow; keep the limit anyway.
    return name.length <= IAM_ROLE_MAX ? name : `${name.slice(0, IAM_ROLE_MAX - HASH_LENGTH - 1)}-${shortHash(name)}`;
  };
  return {
    stage: stem,
    prefix,
    tenantsTable: `${prefix}-tenants`,
    connectionsTable: `${prefix}-connections`,
    limitsTable: `${prefix}-limits`,
    revocationsTable: `${prefix}-revocations`,
    usageTable: `${prefix}-usage`,
    ordersTablePrefix,
    ordersTable: (tenantId) => `${ordersTablePrefix}${tenantId}`,
    functionName: (fn) => `${prefix}-${fn}`,
    roleName,
    functionRoleName: (fn) => roleName(fn),
    tenantAccessRole: roleName("tenant-access"),
    connectionsUserIndex: "byUserId",
    userPool: `${prefix}-users`,
    userPoolClient: `${prefix}-web`,
    api: `${prefix}-ws`,
    authorizer: `${prefix}-jwt`,
    agent: `${prefix}-assistant`,
    knowledgeBase: `${prefix}-knowledge`,
    vectorBucket: `${prefix}-vectors`,
    offboardingRule: `${prefix}-offboarding`,
    offboardingTrail: `${prefix}-management-events`,
    dashboard: `${prefix}-dashboard`,
    metricsNamespace: `${project}/${stem}`,
  };
}
