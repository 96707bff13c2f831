/**
 * Tool progress (`status` events) for the caller's connection. The connection comes from
 * sessionAttributes and AnswerChannel checks that its stored owner is the verified user
 * before posting (invariant 6). Progress is best effort: a failure is logged, never
 * turned into a tool failure.
 */
import type { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import type { Logger } from "@aws-lambda-powertools/logger";
import { AnswerChannel, type SendOutcome } from "../shared/connections";
import type { ConnectionStore } from "../shared/connections";
import { errorSummary } from "../shared/logger";
import { status } from "../shared/protocol";
import type { SessionIdentity } from "./identity";

export type StatusOutcome = SendOutcome | "failed";

/** Never rejects. */
export type StatusPoster = (identity: SessionIdentity, text: string) => Promise<StatusOutcome>;

export function createStatusPoster(
  api: ApiGatewayManagementApiClient,
  connections: ConnectionStore,
  logger: Pick<Logger, "warn" | "debug">,
): StatusPoster {
  return async (identity, text) => {
    try {
      const outcome = await new AnswerChannel(api, connections, identity.connectionId, identity.userId).send(
        status(identity.answerId, text),
      );
      if (outcome === "not_owner") logger.warn("status not posted: connection belongs to another user");
      else if (outcome === "gone") logger.debug("status not posted: connection gone");
      return outcome;
    } catch (error) {
      logger.warn("status not posted", errorSummary(error));
      return "failed";
    }
  };
}
