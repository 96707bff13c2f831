/** `$disconnect` forgets the connection, so nothing is sent to it or in its name again. */
import { DeleteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { handleDisconnect } from "../../../../lambdas/chat/disconnect";
import { CONNECTION_A, CONNECTION_B, testDependencies, wsEvent } from "./fixtures";

const ddb = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  ddb.reset();
  ddb.on(DeleteCommand).resolves({});
});

describe("$disconnect", () => {
  it("deletes the connection record", async () => {
    const result = await handleDisconnect(wsEvent("$disconnect"), testDependencies());
    expect(result).toEqual({ statusCode: 200 });
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
      TableName: "multi-tenant-assistant-test-connections",
      Key: { connectionId: CONNECTION_A },
    });
  });

  it("deletes only the record of the connection that closed", async () => {
    await handleDisconnect(wsEvent("$disconnect", { connectionId: CONNECTION_B }), testDependencies());
    expect(ddb).toHaveReceivedCommandTimes(DeleteCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { connectionId: CONNECTION_B } });
  });

  it("answers 500 when the delete fails (the TTL cleans up)", async () => {
    ddb.on(DeleteCommand).rejects(new Error("InternalServerError"));
    expect(await handleDisconnect(wsEvent("$disconnect"), testDependencies())).toEqual({ statusCode: 500 });
  });
});
