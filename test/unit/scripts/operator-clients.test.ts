/** scripts/operator-clients.ts: the local stack's endpoints and admin keys, or AWS's defaults. */
import { operatorClients } from "../../../scripts/operator-clients";
import type { StackOutputs } from "../../../local/runtime/stack-outputs";

const base: StackOutputs = {
  region: "eu-west-1",
  webSocketUrl: "wss://x.execute-api.eu-west-1.amazonaws.com/dev",
  webSocketProtocol: "mta.v1",
  userPoolId: "eu-west-1_abc",
  userPoolClientId: "client",
  tenantsTableName: "t",
  ordersTableNames: {},
  connectionsTableName: "c",
  usageTableName: "usage",
  agentId: "AGENT01234",
  agentAliasId: "ALIAS01234",
  knowledgeBucketName: "kb-documents",
  knowledgeBaseId: "KBASE12345",
  knowledgeDataSourceId: "DSRC123456",
  users: {},
};

describe("operatorClients", () => {
  it("targets the local stand-ins with the operator's keys", async () => {
    const local: StackOutputs = {
      ...base,
      endpoints: {
        cognito: "http://127.0.0.1:4520",
        dynamodb: "http://127.0.0.1:4530",
        sts: "http://127.0.0.1:4540",
        lambda: "http://127.0.0.1:4550",
        bedrockAgentRuntime: "http://127.0.0.1:4560",
        apiGatewayManagement: "http://127.0.0.1:4510/dev",
      },
      adminCredentials: { accessKeyId: "AKIALOCALOPERATOR000", secretAccessKey: "secret" },
    };
    const clients = operatorClients(local);
    try {
      const cognitoEndpoint = await clients.cognito.config.endpoint?.();
      const dynamoEndpoint = await clients.dynamo.config.endpoint?.();
      expect(cognitoEndpoint?.hostname).toBe("127.0.0.1");
      expect(cognitoEndpoint?.port).toBe(4520);
      expect(dynamoEndpoint?.port).toBe(4530);
      await expect(clients.dynamo.config.credentials()).resolves.toMatchObject({ accessKeyId: "AKIALOCALOPERATOR000" });
      expect(clients.outputs).toBe(local);
    } finally {
      clients.destroy();
    }
  });

  it("uses AWS's endpoints and the default credential chain for an AWS stack", async () => {
    const clients = operatorClients(base);
    try {
      expect(clients.cognito.config.endpoint).toBeUndefined();
      expect(clients.dynamo.config.endpoint).toBeUndefined();
      await expect(clients.cognito.config.region()).resolves.toBe("eu-west-1");
    } finally {
      clients.destroy();
    }
  });
});
