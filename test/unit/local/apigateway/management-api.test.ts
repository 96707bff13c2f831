import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import WebSocket from "ws";
import { stackNames } from "../../../../infra/naming";
import { startApiGateway, type ApiGatewayServer } from "../../../../local/apigateway/websocket-api";
import { CredentialRegistry } from "../../../../local/iam/credentials";
import { authorizeIam, LOCAL_ACCOUNT_ID } from "../../../../local/iam/policy-evaluation";
import { matchManagementPath } from "../../../../local/apigateway/management-api";
import { createLocalIdentities } from "../../../../local/iam/roles";
import { verifySigV4 } from "../../../../local/iam/sigv4-verify";

describe("matchManagementPath", () => {
  it("decodes the URI-encoded connection id under the stage", () => {
    expect(matchManagementPath("/dev/@connections/VLSD5fGa%2BIAM%2FCLBA%3D", "dev")).toEqual({ connectionId: "VLSD5fGa+IAM/CLBA=" });
  });
  it("rejects other stages, missing ids, nested paths and bad encoding", () => {
    expect(matchManagementPath("/prod/@connections/abc", "dev")).toBeUndefined();
    expect(matchManagementPath("/dev/@connections/", "dev")).toBeUndefined();
    expect(matchManagementPath("/dev/@connections/a/b", "dev")).toBeUndefined();
    expect(matchManagementPath("/dev/@connections/%E0%A4%A", "dev")).toBeUndefined();
  });
});

/**
 * The management API authorizes with the REAL method in the resource ARN, evaluated
 * against the real role documents: the chat and action-group roles may POST to a
 * connection, but GetConnection (GET) and DeleteConnection (DELETE) are denied.
 */
describe("@connections with the functions' real role policies", () => {
  const ctx = { partition: "aws", region: "us-east-1", accountId: LOCAL_ACCOUNT_ID };
  const registry = new CredentialRegistry();
  const ids = createLocalIdentities(registry, {
    ctx,
    names: stackNames("multi-tenant-assistant", "dev", "us-east-1"),
    apiId: "local",
    stage: "dev",
    agentId: "LOCALAGENT",
    agentAliasId: "LOCALALIAS",
    tenantIds: ["tenant1"],
  });
  let gw: ApiGatewayServer;
  let connectionIds: string[];

  beforeAll(async () => {
    connectionIds = [];
    gw = await startApiGateway({
      stage: "dev",
      apiId: "local",
      region: ctx.region,
      accountId: ctx.accountId,
      invokeAuthorizer: async (e) => ({
        principalId: "user-sub-1",
        policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: (e as { methodArn: string }).methodArn }] },
        context: { userId: "user-sub-1", tenantId: "tenant1", tokenExpiresAt: 1893456000 },
      }),
      invokeIntegration: async (e) => {
        const rc = (e as { requestContext: { routeKey: string; connectionId: string } }).requestContext;
        if (rc.routeKey === "$connect") connectionIds.push(rc.connectionId);
        return rc.routeKey === "$connect" ? { statusCode: 200, headers: { "Sec-WebSocket-Protocol": "app-v1" } } : { statusCode: 200 };
      },
      authorize: async (request, resourceArn) => {
        const caller = await verifySigV4(request, registry, { service: "execute-api" });
        await authorizeIam(caller, { action: "execute-api:ManageConnections", resourceArn }, { status: 403, code: "ForbiddenException" });
      },
    });
  });
  afterAll(async () => {
    await gw.close();
  });

  const open = () =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(gw.webSocketUrl, ["app-v1", "the-token"]);
      ws.once("open", () => resolve(ws));
      ws.once("error", reject);
    });

  it.each([
    ["action-group", false],
    // The chat function hangs up on a refused renewal (I12's second exception, T43).
    ["chat", true],
  ] as const)("%s may POST to a connection but not GET it; DELETE allowed: %s", async (fn, mayDelete) => {
    const ws = await open();
    const id = connectionIds[connectionIds.length - 1];
    const creds = ids.functionCredentials[fn];
    const client = new ApiGatewayManagementApiClient({
      region: ctx.region,
      endpoint: gw.managementUrl,
      credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
      maxAttempts: 1,
    });
    try {
      const received = new Promise<string>((resolve) => ws.once("message", (d) => resolve(d.toString())));
      await client.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('{"type":"pong"}') }));
      expect(await received).toBe('{"type":"pong"}');
      await expect(client.send(new GetConnectionCommand({ ConnectionId: id }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
      if (mayDelete) {
        const closed = new Promise<void>((resolve) => ws.once("close", () => resolve()));
        await client.send(new DeleteConnectionCommand({ ConnectionId: id }));
        await closed;
        return;
      }
      await expect(client.send(new DeleteConnectionCommand({ ConnectionId: id }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
      // Still open: the refused DELETE did not hang up.
      expect(ws.readyState).toBe(WebSocket.OPEN);
    } finally {
      client.destroy();
      ws.close();
    }
  });
});
