/**
 * The `hello` frame: the page's header gets the display name of the caller's own tenant,
 * asked for with the verified tenant and user of the authorizer context (never anything the
 * frame says), and nothing else; no name when it cannot be read; token_expired as elsewhere.
 */
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import { mockClient } from "aws-sdk-client-mock";
import { handleMessage } from "../../../../lambdas/chat/routes";
import { authorizerContext, CONNECTION_A, NOW_SECONDS, repliedEvents, TENANT_A, TENANT_B, testDependencies, USER_A, USER_B, wsEvent } from "./fixtures";

const api = mockClient(ApiGatewayManagementApiClient);

describe("hello", () => {
  beforeEach(() => {
    api.reset();
    api.on(PostToConnectionCommand).resolves({});
  });

  function reader(names: Record<string, string>) {
    const asked: Array<[string, string]> = [];
    return {
      asked,
      tenantNames: {
        nameOf: async (tenantId: string, userId: string) => {
          asked.push([tenantId, userId]);
          return names[tenantId];
        },
      },
    };
  }

  it("answers with the display name of the caller's own tenant, read as the caller", async () => {
    const { asked, tenantNames } = reader({ [TENANT_A]: "Tenant One", [TENANT_B]: "Tenant Two" });
    const result = await handleMessage(wsEvent("$default", { body: JSON.stringify({ action: "hello" }) }), testDependencies({ tenantNames }));
    expect(result).toEqual({ statusCode: 200, body: JSON.stringify({ type: "hello", tenantName: "Tenant One" }) });
    expect(repliedEvents(api, result)).toEqual([{ connectionId: CONNECTION_A, event: { type: "hello", tenantName: "Tenant One" } }]);
    expect(asked).toEqual([[TENANT_A, USER_A]]);

    // Another tenant's caller gets their own name, never the first one's.
    api.resetHistory();
    const replied = await handleMessage(wsEvent("$default", { body: JSON.stringify({ action: "hello" }), authorizer: authorizerContext(USER_B, TENANT_B) }), testDependencies({ tenantNames }));
    expect(repliedEvents(api, replied).map((e) => e.event)).toEqual([{ type: "hello", tenantName: "Tenant Two" }]);
    expect(asked[1]).toEqual([TENANT_B, USER_B]);
  });

  it("cannot be pointed at another tenant: a frame naming one is refused as bad_request", async () => {
    const { asked, tenantNames } = reader({ [TENANT_B]: "Tenant Two" });
    const replied = await handleMessage(wsEvent("$default", { body: JSON.stringify({ action: "hello", tenantId: TENANT_B }) }), testDependencies({ tenantNames }));
    expect(repliedEvents(api, replied).map((e) => e.event)).toEqual([{ type: "error", code: "bad_request", message: expect.any(String) }]);
    expect(asked).toEqual([]);
  });

  it("leaves the name out when it cannot be read", async () => {
    const tenantNames = { nameOf: async () => Promise.reject(new Error("AccessDeniedException")) };
    const replied = await handleMessage(wsEvent("$default", { body: JSON.stringify({ action: "hello" }) }), testDependencies({ tenantNames }));
    expect(repliedEvents(api, replied).map((e) => e.event)).toEqual([{ type: "hello" }]);
  });

  it("answers token_expired once the connection's token has expired", async () => {
    const { asked, tenantNames } = reader({ [TENANT_A]: "Tenant One" });
    const expired = authorizerContext(USER_A, TENANT_A, NOW_SECONDS - 1);
    const replied = await handleMessage(wsEvent("$default", { body: JSON.stringify({ action: "hello" }), authorizer: expired }), testDependencies({ tenantNames }));
    expect(repliedEvents(api, replied).map((e) => e.event)).toEqual([{ type: "error", code: "token_expired", message: expect.any(String) }]);
    expect(asked).toEqual([]);
  });
});
