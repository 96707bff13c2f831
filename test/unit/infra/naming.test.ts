/** infra/naming.ts: one set of physical names for Pulumi, the local stack and the tools, compliant for any stack name. */
import { APP_PROTOCOL, FUNCTION_NAMES, regionCode, STEM_MAX, stackNames, stageStem, type RoleName } from "../../../infra/naming";

const PROJECT = "multi-tenant-assistant";
const ROLES: RoleName[] = [...FUNCTION_NAMES, "tenant-access", "agent", "knowledge-base", "api-logs"];

describe("stackNames", () => {
  const names = stackNames(PROJECT, "dev", "us-east-1");

  it("prefixes every table, function and role with project and stage; roles also carry the Region", () => {
    expect(names).toMatchObject({
      stage: "dev",
      prefix: "multi-tenant-assistant-dev",
      tenantsTable: "multi-tenant-assistant-dev-tenants",
      connectionsTable: "multi-tenant-assistant-dev-connections",
      ordersTablePrefix: "multi-tenant-assistant-dev-orders-",
      tenantAccessRole: "multi-tenant-assistant-dev-tenant-access-use1",
      connectionsUserIndex: "byUserId",
      agent: "multi-tenant-assistant-dev-assistant",
      vectorBucket: "multi-tenant-assistant-dev-vectors",
    });
    expect(FUNCTION_NAMES.map(names.functionName)).toEqual([
      "multi-tenant-assistant-dev-authorizer",
      "multi-tenant-assistant-dev-chat",
      "multi-tenant-assistant-dev-action-group",
      "multi-tenant-assistant-dev-offboarding",
    ]);
    expect(FUNCTION_NAMES.map(names.functionRoleName)).toEqual([
      "multi-tenant-assistant-dev-authorizer-use1",
      "multi-tenant-assistant-dev-chat-use1",
      "multi-tenant-assistant-dev-action-group-use1",
      "multi-tenant-assistant-dev-offboarding-use1",
    ]);
  });

  it("builds each orders table name as prefix + tenant id (what the IAM policy variable resolves to)", () => {
    expect(names.ordersTable("tenant2")).toBe(`${names.ordersTablePrefix}tenant2`);
  });

  it("keeps stages apart, and the same stage's IAM roles apart in two Regions (IAM names are global)", () => {
    expect(stackNames(PROJECT, "prod", "us-east-1").tenantsTable).not.toBe(names.tenantsTable);
    const eu = stackNames(PROJECT, "dev", "eu-west-1");
    for (const role of ROLES) expect(eu.roleName(role)).not.toBe(names.roleName(role));
    expect(eu.tenantsTable).toBe(names.tenantsTable); // tables are regional: same name is fine
  });

  it.each([
    "dev",
    "a",
    "feature.x-30-characters-long-ab",
    "Feature_X",
    "x".repeat(100),
    "a..b--c__d",
    "...",
    "9lives",
  ])("fits every AWS limit for the stack name %p in every Region form", (stage) => {
    for (const region of ["us-east-1", "ap-southeast-4", "us-gov-west-1", "cn-northwest-1", "eu-central-2"]) {
      const n = stackNames(PROJECT, stage, region);
      expect(n.stage).toMatch(/^[a-z0-9](?:-?[a-z0-9])*$/);
      expect(n.stage.length).toBeLessThanOrEqual(STEM_MAX);
      for (const role of ROLES) expect(n.roleName(role)).toMatch(/^[\w+=,.@-]{1,64}$/);
      for (const fn of FUNCTION_NAMES) expect(n.functionName(fn)).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      for (const bedrock of [n.agent, n.knowledgeBase]) expect(bedrock).toMatch(/^([0-9a-zA-Z][_-]?){1,100}$/);
      expect(n.vectorBucket).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
      expect(n.offboardingRule).toMatch(/^[.\-_A-Za-z0-9]{1,64}$/);
      expect(n.offboardingTrail).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/);
    }
  });
});

describe("stageStem", () => {
  it("keeps a compliant short stage as it is", () => {
    expect(stageStem("dev")).toBe("dev");
    expect(stageStem("prod-2")).toBe("prod-2");
  });

  it("hashes whenever it had to change the stage, so changed stages never collide", () => {
    const stems = ["Dev", "dev.", "de.v", "de-v", "de_v", "feature.x-30-characters-long-ab", "feature.x-30-characters-long-ac"].map(stageStem);
    expect(new Set(stems).size).toBe(stems.length);
    expect(stageStem("Dev")).toMatch(/^dev-[0-9a-f]{6}$/);
    expect(stageStem("feature.x-30-characters-long-ab")).toMatch(/^feature-x-3-[0-9a-f]{6}$/);
    expect(stageStem("feature.x-30-characters-long-ab")).toBe(stageStem("feature.x-30-characters-long-ab"));
    expect(stageStem("...")).toMatch(/^[0-9a-f]{6}$/);
  });
});

describe("regionCode", () => {
  it("is short and distinct for every Region", () => {
    const regions = [
      "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1",
      "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2",
      "ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
      "ap-southeast-5", "ap-southeast-7", "sa-east-1", "me-south-1", "me-central-1", "il-central-1", "af-south-1", "mx-central-1",
      "us-gov-east-1", "us-gov-west-1", "cn-north-1", "cn-northwest-1",
    ];
    const codes = regions.map(regionCode);
    expect(new Set(codes).size).toBe(regions.length);
    for (const code of codes) expect(code.length).toBeLessThanOrEqual(7);
    expect(regionCode("ap-southeast-2")).toBe("apse2");
    expect(regionCode("us-gov-west-1")).toBe("usgovw1");
    expect(regionCode("xx-weird-place-9")).toMatch(/^r[0-9a-f]{5}$/);
  });
});

it("has a subprotocol name a browser accepts as a token", () => {
  expect(APP_PROTOCOL).toMatch(/^[A-Za-z0-9.!#$%&'*+^_`|~-]+$/);
});
