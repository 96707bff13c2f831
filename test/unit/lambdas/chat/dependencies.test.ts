/**
 * lambdas/chat/dependencies.ts: the clients on an answer's path resolve their middleware
 * once per command class (SDK_CLIENT_SPEED), and that never mixes up two calls' inputs;
 * the DynamoDB document client never caches (lib-dynamodb refuses it).
 */
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { HttpRequest } from "@smithy/protocol-http";
import { createBaseDependencies, SDK_CLIENT_SPEED } from "../../../../lambdas/chat/dependencies";
import { createLogger } from "../../../../lambdas/common/logger";
import { CONFIG } from "./fixtures";

/** A request handler that records each request and answers 200 with `body`. */
function recordingHandler(body: string) {
  const requests: HttpRequest[] = [];
  return {
    requests,
    handler: {
      handle: async (request: HttpRequest) => {
        requests.push(request);
        const { Readable } = await import("node:stream");
        return { response: { statusCode: 200, headers: { "content-type": "application/json" }, body: Readable.from([Buffer.from(body)]) } };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    },
  };
}

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };

describe("SDK clients on the answer's path", () => {
  it("posts each message to its own connection with the middleware cached", async () => {
    const { requests, handler } = recordingHandler("");
    const api = new ApiGatewayManagementApiClient({ region: "us-east-1", endpoint: "http://127.0.0.1:1/dev", credentials, requestHandler: handler, ...SDK_CLIENT_SPEED });
    await Promise.all([
      api.send(new PostToConnectionCommand({ ConnectionId: "first=", Data: Buffer.from("one") })),
      api.send(new PostToConnectionCommand({ ConnectionId: "second=", Data: Buffer.from("two") })),
    ]);
    await api.send(new PostToConnectionCommand({ ConnectionId: "third=", Data: Buffer.from("three") }));
    expect(requests.map((r) => [decodeURIComponent(r.path.split("/").pop() ?? ""), String(r.body)])).toEqual([
      ["first=", "one"],
      ["second=", "two"],
      ["third=", "three"],
    ]);
  });

  it("is never set on the document client: lib-dynamodb refuses it (its handler holds its first command)", () => {
    const raw = new DynamoDBClient({ region: "us-east-1", credentials, ...SDK_CLIENT_SPEED });
    expect(() => DynamoDBDocumentClient.from(raw)).toThrow(/cacheMiddleware/);
  });

  it("createBaseDependencies caches for the management API and never for DynamoDB", () => {
    const deps = createBaseDependencies(CONFIG, createLogger("chat"));
    expect(deps.api.config.cacheMiddleware).toBe(true);
    const documents = (deps.connections as unknown as { client: DynamoDBDocumentClient }).client;
    expect(documents.config.cacheMiddleware).not.toBe(true);
  });
});
