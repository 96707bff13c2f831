/**
 * The WebSocket stage's access-log line. Only request metadata: no query string, no
 * header values (the Sec-WebSocket-Protocol header carries the user's ID token), no
 * message bodies. Pure, so a test can prove that.
 */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: "$context.requestId",
  extendedRequestId: "$context.extendedRequestId",
  requestTime: "$context.requestTimeEpoch",
  stage: "$context.stage",
  routeKey: "$context.routeKey",
  eventType: "$context.eventType",
  messageId: "$context.messageId",
  connectionId: "$context.connectionId",
  status: "$context.status",
  principalId: "$context.authorizer.principalId",
  authorizerError: "$context.authorizer.error",
  integrationStatus: "$context.integration.status",
  integrationLatency: "$context.integration.latency",
  integrationError: "$context.integration.error",
  errorMessage: "$context.error.message",
  errorType: "$context.error.responseType",
};

export function accessLogFormat(fields: Readonly<Record<string, string>> = ACCESS_LOG_FIELDS): string {
  return JSON.stringify(fields);
}
