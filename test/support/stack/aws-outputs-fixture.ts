/**
 * What `pulumi stack output --json` writes for a deployed stack (the outputs contract,
 * docs/architecture.md §Stack outputs), without secrets: for unit tests of the code that
 * reads an outputs file.
 */
export const AWS_OUTPUTS = {
  region: "us-east-1",
  webSocketUrl: "wss://abc.execute-api.us-east-1.amazonaws.com/dev",
  webSocketProtocol: "mta.v1",
  userPoolId: "us-east-1_Abc123",
  userPoolClientId: "client",
  tenantsTableName: "tenants",
  ordersTableNames: { tenant1: "orders-tenant1" },
  connectionsTableName: "connections",
  usageTableName: "usage",
  agentId: "AGENT",
  agentAliasId: "ALIAS",
  knowledgeBucketName: "bucket",
  knowledgeBaseId: "KB",
  knowledgeDataSourceId: "DS",
  users: { "tenant1-user": "tenant1" },
} as const;
