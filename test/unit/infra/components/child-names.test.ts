/**
 * infra/components/child-names.ts: children are named after their component, so every
 * component can be instantiated twice in one program without URN collisions, and the
 * program's own instance keeps its state through aliases.
 */
import * as pulumi from "@pulumi/pulumi";
import { installMocks, settled, type RecordedResource } from "../pulumi-mocks";
import { ChildNames } from "../../../../infra/components/child-names";
import { AssistantAgent } from "../../../../infra/components/agent";
import { ApiGatewayAccount } from "../../../../infra/components/api-gateway-account";
import { OffboardingTrail } from "../../../../infra/components/offboarding-trail";
import { BundledFunction } from "../../../../infra/components/bundled-function";
import { DataTables } from "../../../../infra/components/data";
import { FunctionRoles } from "../../../../infra/components/function-roles";
import { Identity } from "../../../../infra/components/identity";
import { TenantIsolation } from "../../../../infra/components/isolation";
import { TenantKnowledgeBase } from "../../../../infra/components/knowledge-base";
import { OffboardingEvents } from "../../../../infra/components/offboarding";
import { WebSocketApi } from "../../../../infra/components/websocket-api";
import { WebSocketRoutes } from "../../../../infra/components/websocket-routes";
import { stackNames } from "../../../../infra/naming";

describe("ChildNames", () => {
  const parent = {} as pulumi.Resource;

  it("prefixes children with the component's name; the main child takes the name itself", () => {
    const child = new ChildNames(parent, "data2", "data");
    expect(child.name("tenants")).toBe("data2-tenants");
    expect(child.name()).toBe("data2");
  });

  it("aliases the earlier unprefixed name for the program's own instance only", () => {
    expect(new ChildNames(parent, "data", "data").opts("tenants", "tenants")).toEqual({ parent, aliases: [{ name: "tenants" }] });
    expect(new ChildNames(parent, "agent", "agent").opts("role", "agent-role")).toEqual({ parent });
    expect(new ChildNames(parent, "data2", "data").opts("tenants", "tenants")).toEqual({ parent });
    expect(new ChildNames(parent, "data", "data").opts("tenants", "tenants", { dependsOn: [] })).toEqual({ parent, dependsOn: [], aliases: [{ name: "tenants" }] });
  });
});

describe("every component, instantiated twice", () => {
  let resources: RecordedResource[];

  beforeAll(async () => {
    resources = await installMocks("multi-tenant-assistant", "dev");
    const ctx = { partition: "aws", region: "eu-west-1", accountId: "123456789012" };
    const tenants = [{ id: "t1", displayName: "T1", returnPolicyDays: 5, users: ["u1"] }];
    for (const instance of ["a", "b"]) {
      // Physical names differ per instance too (a second stage's names), so only URNs are under test.
      const names = stackNames("multi-tenant-assistant", instance, "eu-west-1");
      const id = (suffix: string) => `${instance}-${suffix}`;
      new Identity(id("identity"), { names, tenants, deletionProtection: false, temporaryPasswordValidityDays: 3, tokenValidityMinutes: 15 });
      new DataTables(id("data"), { names, tenants, pointInTimeRecovery: false, deletionProtection: false });
      const api = new WebSocketApi(id("websocket"), { names });
      const { roles } = new FunctionRoles(id("function-roles"), { names });
      new TenantIsolation(id("isolation"), { ctx, names, chatRoleArn: roles.chat.arn, tenantIds: ["t1"] });
      const fn = new BundledFunction(id("chat"), {
        bundle: "chat",
        functionName: names.functionName("chat"),
        role: roles.chat,
        policy: "{}",
        environment: {},
        logRetentionDays: 14,
      });
      const knowledge = new TenantKnowledgeBase(id("knowledge"), { ctx, names });
      new AssistantAgent(id("agent"), { ctx, names, modelId: "anthropic.claude-3-haiku-20240307-v1:0", actionGroupFunction: fn.function, knowledgeBaseId: knowledge.knowledgeBase.id });
      new OffboardingEvents(id("offboarding-events"), { names, offboardingFunction: fn.function });
      new OffboardingTrail(id("offboarding-trail"), { ctx, names });
      const apiGatewayAccount = new ApiGatewayAccount(id("api-gateway-account"), { ctx, names });
      new WebSocketRoutes(id("websocket-routes"), {
        api,
        names,
        authorizerFunction: fn.function,
        chatFunction: fn.function,
        throttle: { burstLimit: 10, rateLimit: 5 },
        askThrottle: { burstLimit: 5, rateLimit: 2 },
        logRetentionDays: 14,
        accessLogs: { enabled: true, after: apiGatewayAccount.account },
      });
    }
    await settled(resources);
  }, 60_000);

  it("gives no two resources of one type the same name (their URNs would collide)", () => {
    const keys = resources.filter((r) => r.type !== "pulumi:providers:aws").map((r) => `${r.type}::${r.name}`);
    expect(keys.length).toBeGreaterThan(80);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it("names every child after its component", () => {
    const custom = resources.filter((r) => r.type.startsWith("aws:") || r.type.startsWith("random:"));
    expect(custom.filter((r) => !/^[ab]-/.test(r.name)).map((r) => r.name)).toEqual([]);
  });
});
