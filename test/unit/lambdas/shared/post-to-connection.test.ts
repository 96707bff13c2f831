/** The low-level post: JSON to the named connection, "gone" on HTTP 410, other failures rethrown. */
import {
  ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { isGoneException, postToConnection } from "../../../../lambdas/shared/post-to-connection";
import { pong, status } from "../../../../lambdas/shared/protocol";

const api = mockClient(ApiGatewayManagementApiClient);
const client = () => new ApiGatewayManagementApiClient({ region: "us-east-1", endpoint: "https://x.example/test" });

beforeEach(() => api.reset());

it("posts the event as UTF-8 JSON to the connection and reports sent", async () => {
  api.on(PostToConnectionCommand).resolves({});
  const event = status("11111111-1111-4111-8111-111111111111.q-1", "Looking up order ö…");
  expect(await postToConnection(client(), "c1", event)).toBe("sent");
  const [call] = api.commandCalls(PostToConnectionCommand);
  expect(call.args[0].input.ConnectionId).toBe("c1");
  expect(JSON.parse(Buffer.from(call.args[0].input.Data as Uint8Array).toString("utf8"))).toEqual(event);
});

it("reports gone on a GoneException", async () => {
  api.on(PostToConnectionCommand).rejects(new GoneException({ message: "gone", $metadata: { httpStatusCode: 410 } }));
  expect(await postToConnection(client(), "c1", pong())).toBe("gone");
});

it("rethrows any other failure", async () => {
  api.on(PostToConnectionCommand).rejects(new Error("ECONNRESET"));
  await expect(postToConnection(client(), "c1", pong())).rejects.toThrow("ECONNRESET");
});

describe("isGoneException", () => {
  it("recognises the SDK's class and, from another SDK copy, the name", () => {
    expect(isGoneException(new GoneException({ message: "gone", $metadata: {} }))).toBe(true);
    expect(isGoneException(Object.assign(new Error("gone"), { name: "GoneException" }))).toBe(true);
  });

  it.each([[new Error("GoneException")], [null], [undefined], ["GoneException"]])("rejects %p", (error) => {
    expect(isGoneException(error)).toBe(false);
  });
});
