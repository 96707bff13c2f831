/**
 * One server event to one WebSocket connection through the API Gateway management API.
 * Low level on purpose: it checks no ownership (AnswerChannel does that before each send,
 * invariant 6) and touches no table; the caller decides what a vanished connection means.
 */
import { PostToConnectionCommand, type ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import type { ServerEvent } from "./protocol";

export type PostOutcome = "sent" | "gone";

/** Matched by name, not class: an error deserialised by another copy of the SDK is not our class. */
export function isGoneException(error: unknown): boolean {
  return (error as { name?: unknown } | null | undefined)?.name === "GoneException";
}

/** "gone" when API Gateway no longer knows the connection (HTTP 410); any other failure is rethrown. */
export async function postToConnection(
  api: ApiGatewayManagementApiClient,
  connectionId: string,
  event: ServerEvent,
): Promise<PostOutcome> {
  try {
    await api.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(JSON.stringify(event), "utf8") }));
    return "sent";
  } catch (error) {
    if (isGoneException(error)) return "gone";
    throw error;
  }
}
