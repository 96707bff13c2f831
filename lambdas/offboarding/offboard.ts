/**
 * Offboarding a user (I17): write the revocation record FIRST (from then on no token
 * issued before `revokedAt` opens a socket, is served an ask or renews a connection),
 * then close every open connection of theirs (DeleteConnection) and delete its record
 * (found through the connections table's `byUserId` index). An answer being streamed
 * stops at its next owner check (I6), and its posts fail once the socket is closed.
 * Idempotent: offboarding twice changes nothing more.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { DeleteConnectionCommand, type ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import { AdminGetUserCommand, ListUsersCommand, type CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DeleteCommand, QueryCommand, ScanCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { isGoneException } from "../common/connections";
import { isSub } from "../common/identifiers";
import { errorSummary } from "../common/logger";
import { revocationRecord, type RevocationWriter } from "../common/revocations";
import type { OffboardingConfig } from "./config";
import type { OffboardingTarget } from "./triggers";

export interface OffboardingDependencies {
  config: OffboardingConfig;
  documents: DynamoDBDocumentClient;
  revocations: RevocationWriter;
  api: ApiGatewayManagementApiClient;
  cognito: CognitoIdentityProviderClient;
  logger: Logger;
}

export interface OffboardingResult {
  /** The subs offboarded. */
  userIds: string[];
  /** Connections closed. */
  closed: number;
}

/** The connection ids of a user's open connections (every page of the index). */
async function connectionIdsOf(deps: OffboardingDependencies, userId: string): Promise<string[]> {
  const ids: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.documents.send(
      new QueryCommand({
        TableName: deps.config.connectionsTableName,
        IndexName: deps.config.connectionsUserIndex,
        KeyConditionExpression: "userId = :u",
        ExpressionAttributeValues: { ":u": userId },
        ProjectionExpression: "connectionId",
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) if (typeof item.connectionId === "string") ids.push(item.connectionId);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return ids;
}

/** Hang up (a connection already gone is fine), then forget the record. */
async function closeConnection(deps: OffboardingDependencies, connectionId: string): Promise<void> {
  try {
    await deps.api.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
  } catch (error) {
    if (!isGoneException(error)) throw error;
  }
  await deps.documents.send(new DeleteCommand({ TableName: deps.config.connectionsTableName, Key: { connectionId } }));
}

export async function offboardUser(deps: OffboardingDependencies, userId: string, revokedAt: number, reason: string): Promise<number> {
  await deps.revocations.put(revocationRecord({ userId, revokedAt, reason }));
  const ids = await connectionIdsOf(deps, userId);
  const results = await Promise.allSettled(ids.map((id) => closeConnection(deps, id)));
  const failed = results.filter((r) => r.status === "rejected");
  for (const failure of failed) deps.logger.error("could not close a connection", errorSummary((failure as PromiseRejectedResult).reason));
  deps.logger.info("user offboarded", { userId, reason, closed: ids.length - failed.length });
  // Rethrown so Lambda retries (the record already refuses every old token meanwhile).
  if (failed.length > 0) throw new Error(`${failed.length} connection(s) could not be closed`);
  return ids.length;
}

/** The sub of a user named by username; undefined when the pool no longer has them. */
async function subOfUsername(deps: OffboardingDependencies, username: string): Promise<string | undefined> {
  try {
    const user = await deps.cognito.send(new AdminGetUserCommand({ UserPoolId: deps.config.userPoolId, Username: username }));
    const sub = user.UserAttributes?.find((a) => a.Name === "sub")?.Value;
    return isSub(sub) ? sub : undefined;
  } catch (error) {
    if ((error as { name?: string }).name === "UserNotFoundException") return undefined;
    throw error;
  }
}

/**
 * The owners of open connections the pool no longer lets in (deleted or disabled): the
 * fallback when an event does not say who (a hidden username, a user already deleted).
 * One Scan of the connections table (open connections only) and one ListUsers per owner.
 */
async function ownersToOffboard(deps: OffboardingDependencies): Promise<string[]> {
  const owners = new Set<string>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.documents.send(
      new ScanCommand({ TableName: deps.config.connectionsTableName, ProjectionExpression: "userId", ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) if (isSub(item.userId)) owners.add(item.userId);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const gone: string[] = [];
  for (const sub of owners) {
    const found = await deps.cognito.send(new ListUsersCommand({ UserPoolId: deps.config.userPoolId, Filter: `sub = "${sub}"`, Limit: 1 }));
    const user = found.Users?.[0];
    if (!user || user.Enabled === false) gone.push(sub);
  }
  return gone;
}

export async function offboard(
  deps: OffboardingDependencies,
  target: OffboardingTarget,
  revokedAt: number,
  reason: string,
): Promise<OffboardingResult> {
  let userIds: string[];
  if ("userId" in target) userIds = [target.userId];
  else {
    const sub = "username" in target ? await subOfUsername(deps, target.username) : undefined;
    userIds = sub !== undefined ? [sub] : await ownersToOffboard(deps);
  }
  let closed = 0;
  for (const userId of userIds) closed += await offboardUser(deps, userId, revokedAt, reason);
  return { userIds, closed };
}
