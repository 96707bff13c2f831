/**
 * infra/replacement.ts, proven on what the Pulumi engine receives: the whole program runs
 * under the runtime mocks, and the mock monitor's RegisterResource requests (which carry
 * the resource options the mocks' newResource never sees) are recorded.
 */
import * as pulumi from "@pulumi/pulumi";
import { hasFixedName, PHYSICAL_NAME_PROPERTIES } from "../../../infra/replacement";
import { installMocks, outputValue, settled, type RecordedResource } from "./pulumi-mocks";

const PROJECT = "multi-tenant-assistant";
const TENANTS = [{ id: "tenant1", displayName: "Tenant One", returnPolicyDays: 10, users: ["tenant1-user"] }];

interface Registration {
  type: string;
  name: string;
  custom: boolean;
  deleteBeforeReplace: boolean;
  replaceOnChanges: string[];
}

let resources: RecordedResource[];
const registrations: Registration[] = [];

beforeAll(async () => {
  resources = await installMocks(PROJECT, "dev");
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (req: never, cb: never) => Promise<void> };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: never, callback: never) => {
    const r = req as unknown as {
      getType(): string;
      getName(): string;
      getCustom(): boolean;
      getDeletebeforereplace(): boolean;
      getReplaceonchangesList(): string[];
    };
    registrations.push({
      type: r.getType(),
      name: r.getName(),
      custom: r.getCustom(),
      deleteBeforeReplace: r.getDeletebeforereplace(),
      replaceOnChanges: r.getReplaceonchangesList(),
    });
    return original(req, callback);
  };
  pulumi.runtime.setAllConfig({
    "aws:region": "eu-west-1",
    [`${PROJECT}:tenants`]: JSON.stringify(TENANTS),
    [`${PROJECT}:modelId`]: "anthropic.claude-3-haiku-20240307-v1:0",
  });
  const program: Record<string, unknown> = await import("../../../infra/index");
  for (const value of Object.values(program)) await outputValue(value as pulumi.Input<unknown>);
  await settled(resources);
}, 30_000);

describe("replacements never fail on a resource's own name", () => {
  it("deletes every named custom resource before replacing it (tables, roles, functions, log groups, users, …)", () => {
    const named = resources.filter((r) => hasFixedName(r.inputs));
    expect(named.map((r) => r.type)).toEqual(
      expect.arrayContaining([
        "aws:dynamodb/table:Table",
        "aws:iam/role:Role",
        "aws:lambda/function:Function",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:cognito/user:User",
        "aws:cognito/userPool:UserPool",
      ]),
    );
    const withoutDbr = named
      .filter((r) => !registrations.find((g) => g.type === r.type && g.name === r.name)?.deleteBeforeReplace)
      .map((r) => `${r.type} ${r.name}`);
    expect(withoutDbr).toEqual([]);
  });

  it("leaves autonamed resources to Pulumi's create-before-replace (nothing holds their name)", () => {
    const autonamed = registrations.filter((g) => g.custom && !hasFixedName(resources.find((r) => r.type === g.type && r.name === g.name)?.inputs ?? {}));
    expect(autonamed.length).toBeGreaterThan(0);
    expect(autonamed.filter((g) => g.deleteBeforeReplace).map((g) => `${g.type} ${g.name}`)).toEqual([]);
  });

  it("replaces a Cognito user whose attributes change (custom:tenantId is immutable, I7)", () => {
    const users = registrations.filter((g) => g.type === "aws:cognito/user:User");
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ deleteBeforeReplace: true, replaceOnChanges: ["attributes"] });
  });

  it("knows every physical-name property the program uses", () => {
    expect(hasFixedName({ name: "x" })).toBe(true);
    expect(hasFixedName({ bucketPrefix: "x" })).toBe(false);
    expect(PHYSICAL_NAME_PROPERTIES).toContain("username");
  });
});
