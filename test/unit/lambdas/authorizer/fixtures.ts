/** Shared fixtures for the authorizer tests: events, configs, a log capture. */
import type { AuthorizerConfig } from "../../../../lambdas/authorizer/config";
import type { WebSocketAuthorizerEvent } from "../../../../lambdas/authorizer/authorize";

export const APP_PROTOCOL = "mta.v1";
export const CLIENT_ID = "testclient123";
export const METHOD_ARN = "arn:aws:execute-api:eu-west-1:123456789012:abcdef123/dev/$connect";
export const TENANTS = ["tenant1", "tenant2", "tenant3"] as const;

export function overrideConfig(issuer: string, jwksUri: string): AuthorizerConfig {
  return {
    userPoolId: "local_testpool",
    clientId: CLIENT_ID,
    tenantIds: new Set(TENANTS),
    appProtocol: APP_PROTOCOL,
    issuerOverride: { issuer, jwksUri },
  };
}

/** A `$connect` authorizer event as API Gateway sends it, subprotocol header included when given. */
export function connectEvent(subprotocol?: string, extra: Partial<WebSocketAuthorizerEvent> = {}): WebSocketAuthorizerEvent {
  const headers: Record<string, string> = { Host: "abcdef123.execute-api.eu-west-1.amazonaws.com", "Sec-WebSocket-Version": "13" };
  if (subprotocol !== undefined) headers["Sec-WebSocket-Protocol"] = subprotocol;
  return {
    type: "REQUEST",
    methodArn: METHOD_ARN,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    requestContext: { connectionId: "conn-1=", requestId: "req-1", routeKey: "$connect" },
    ...extra,
  };
}

export function withToken(token: string, extra: Partial<WebSocketAuthorizerEvent> = {}): WebSocketAuthorizerEvent {
  return connectEvent(`${APP_PROTOCOL}, ${token}`, extra);
}

/** Everything written to stdout/stderr (where Powertools Logger writes) while capturing. */
export function captureOutput(): { text(): string; lines(): string[]; restore(): void } {
  const chunks: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, "write").mockImplementation(((chunk: unknown) => {
      chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
      return true;
    }) as typeof stream.write),
  );
  return {
    text: () => chunks.join(""),
    lines: () => chunks.join("").split("\n").filter((line) => line.trim() !== ""),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}
