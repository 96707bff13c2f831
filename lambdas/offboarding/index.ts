/**
 * The offboarding function (I17): invoked by the EventBridge rule on the user pool's
 * CloudTrail management events, or directly by the operator's users CLI. Writes the
 * user's revocation record and closes their open connections (offboard.ts).
 */
import { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { lazyStartup } from "../common/startup";
import { createLogger } from "../common/logger";
import { RevocationWriter } from "../common/revocations";
import { loadOffboardingConfig } from "./config";
import { offboard, type OffboardingDependencies, type OffboardingResult } from "./offboard";
import { parseTrigger } from "./triggers";

const logger = createLogger("offboarding");

const dependencies = lazyStartup("offboarding", logger, (): OffboardingDependencies => {
  const config = loadOffboardingConfig(process.env);
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: config.region }));
  return {
    config,
    documents,
    revocations: new RevocationWriter(documents, config.revocationsTableName),
    api: new ApiGatewayManagementApiClient({ region: config.region, endpoint: config.managementEndpoint }),
    cognito: new CognitoIdentityProviderClient({ region: config.region }),
    logger,
  };
});

export async function handler(event: unknown): Promise<OffboardingResult | { ignored: string }> {
  const deps = dependencies();
  const trigger = parseTrigger(event, { userPoolId: deps.config.userPoolId, nowSeconds: Math.floor(Date.now() / 1000) });
  if (trigger.kind === "ignore") {
    logger.info("event ignored", { why: trigger.why });
    return { ignored: trigger.why };
  }
  return offboard(deps, trigger.target, trigger.revokedAt, trigger.reason);
}
