/**
 * Lambda entry point of the action group. The logger lives at module scope; configuration
 * and the clients are built on the first invocation and kept (a bad environment fails every
 * invocation, logged first as `action-group is misconfigured`, common/startup.ts). The
 * clients below use the function's OWN role and serve only the connection-owner check and
 * status posts. Tenant data is read through one more client, each request signed with the
 * scoped credentials of its session (lambdas/common/scoped-dynamodb.ts).
 */
import { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ConnectionReader, KnownOwners } from "../common/connections";
import { lazyStartup } from "../common/startup";
import { createLogger } from "../common/logger";
import { ScopedDynamoDb } from "../common/scoped-dynamodb";
import { SDK_CLIENT_SPEED } from "../common/sdk-client-speed";
import { loadActionGroupConfig } from "./config";
import { type ActionGroupHandler, createActionGroupHandler } from "./handler";
import { createStatusPoster } from "./session";

const logger = createLogger("action-group");

const actionGroupHandler = lazyStartup("action-group", logger, () => {
  const config = loadActionGroupConfig(process.env);
  // Read-only: the action group checks owners and never deletes a record (I6).
  const connections = new ConnectionReader(
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: config.region })),
    config.connectionsTableName,
  );
  // One PostToConnection per tool call: its resolved middleware kept (common/sdk-client-speed.ts).
  const managementApi = new ApiGatewayManagementApiClient({ region: config.region, endpoint: config.managementEndpoint, ...SDK_CLIENT_SPEED });
  return createActionGroupHandler({
    config,
    // One client for every session's reads, each signed with that session's keys (I4).
    tenantTables: new ScopedDynamoDb(config.region),
    // The owners this environment has read: one read per connection, not per status event (I6).
    postStatus: createStatusPoster(managementApi, connections, logger, new KnownOwners()),
    now: () => new Date(),
    logger,
  });
});

export const handler: ActionGroupHandler = async (event, context) => actionGroupHandler()(event, context);
