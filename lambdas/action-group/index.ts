/**
 * Lambda entry point of the action group. Configuration is parsed at cold start (a bad
 * environment fails loudly); the clients below use the function's OWN role and serve
 * only the connection-owner check and status posts. Tenant data is read with the
 * scoped credentials of each session (scoped-clients.ts).
 */
import { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ConnectionStore } from "../shared/connections";
import { createLogger } from "../shared/logger";
import { loadActionGroupConfig } from "./config";
import { createActionGroupHandler } from "./handler";
import { ScopedClientCache } from "./scoped-clients";
import { createStatusPoster } from "./status";

const config = loadActionGroupConfig();
const logger = createLogger();

const connections = new ConnectionStore(
  DynamoDBDocumentClient.from(new DynamoDBClient({ region: config.region })),
  config.connectionsTableName,
);
const managementApi = new ApiGatewayManagementApiClient({ region: config.region, endpoint: config.managementEndpoint });

export const handler = createActionGroupHandler({
  config,
  clients: new ScopedClientCache(config.region),
  postStatus: createStatusPoster(managementApi, connections, logger),
  now: () => new Date(),
  logger,
});
