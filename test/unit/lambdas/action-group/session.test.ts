/**
 * lambdas/action-group/session.ts: identity only from sessionAttributes (never from tool
 * parameters), and status events posted only to the verified owner's connection, best
 * effort. (The tenant-data client: test/unit/lambdas/common/scoped-dynamodb.test.ts.)
 */
import {
  ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { ToolError } from "../../../../lambdas/action-group/errors";
import {
  createStatusPoster,
  EXPIRY_MARGIN_MS,
  readSessionIdentity,
  type SessionIdentity,
} from "../../../../lambdas/action-group/session";
import { connectionRecord, ConnectionReader } from "../../../../lambdas/common/connections";
import { status } from "../../../../lambdas/common/server-events";
import {
  ANSWER_ID,
  CONNECTION_ID,
  ENV,
  OTHER_USER,
  SCOPED_KEY,
  SCOPED_SECRET,
  SCOPED_TOKEN,
  sessionAttributes,
  TENANT,
  USER,
} from "./fixtures";

const ddb = mockClient(DynamoDBDocumentClient);
const api = mockClient(ApiGatewayManagementApiClient);

describe("session identity", () => {
  const NOW = new Date("2026-06-01T12:00:00Z");
  const LATER = "2026-06-01T12:15:00Z";

  function codeOf(fn: () => unknown): string | undefined {
    try {
      fn();
    } catch (error) {
      return error instanceof ToolError ? error.code : "not a ToolError";
    }
    return undefined;
  }

  describe("readSessionIdentity", () => {
    it("returns identity and scoped credentials from valid sessionAttributes", () => {
      const identity = readSessionIdentity(sessionAttributes({ credentialsExpiration: LATER }), NOW);
      expect(identity).toEqual({
        tenantId: TENANT,
        userId: USER,
        answerId: ANSWER_ID,
        connectionId: CONNECTION_ID,
        credentials: {
          accessKeyId: SCOPED_KEY,
          secretAccessKey: SCOPED_SECRET,
          sessionToken: SCOPED_TOKEN,
          expiration: new Date(LATER),
        },
      });
    });

    it.each([
      ["undefined", undefined],
      ["null", null],
      ["a string", "tenant1"],
      ["missing the access key", { ...sessionAttributes(), accessKeyId: undefined }],
      ["an upper-case tenant id", sessionAttributes({ tenantId: "TENANT1" })],
      ["a tenant id with a path", sessionAttributes({ tenantId: "tenant1/../tenant2" })],
      ["a userId that is not a sub", sessionAttributes({ userId: "tenant1-user" })],
      ["an answerId of another shape", sessionAttributes({ answerId: "no-dot" })],
      ["an empty connection id", sessionAttributes({ connectionId: "" })],
    ])("refuses %s as missing_identity", (_label, attributes) => {
      expect(codeOf(() => readSessionIdentity(attributes, NOW))).toBe("missing_identity");
    });

    it("refuses credentials that have expired or are about to", () => {
      const at = (ms: number) => sessionAttributes({ credentialsExpiration: new Date(NOW.getTime() + ms).toISOString() });
      expect(codeOf(() => readSessionIdentity(at(-60_000), NOW))).toBe("credentials_expired");
      expect(codeOf(() => readSessionIdentity(at(EXPIRY_MARGIN_MS), NOW))).toBe("credentials_expired");
      expect(codeOf(() => readSessionIdentity(at(EXPIRY_MARGIN_MS + 1_000), NOW))).toBeUndefined();
    });

    it("does not put attribute values into its error messages", () => {
      try {
        readSessionIdentity({ ...sessionAttributes(), tenantId: "EVIL" }, NOW);
      } catch (error) {
        expect((error as Error).message).not.toMatch(/EVIL|scoped-secret|ASIA/);
      }
      expect.assertions(1);
    });
  });
});

/**
 * Tool progress (I6): a status event reaches the session's connection only when
 * its stored owner is the verified user; every failure is logged, never thrown.
 */
describe("status events", () => {
  const IDENTITY: SessionIdentity = {
    tenantId: TENANT,
    userId: USER,
    answerId: ANSWER_ID,
    connectionId: CONNECTION_ID,
    credentials: { accessKeyId: SCOPED_KEY, secretAccessKey: "s", sessionToken: "t", expiration: new Date(Date.now() + 600_000) },
  };

  const recordOf = (userId: string) =>
    connectionRecord({ connectionId: CONNECTION_ID, userId, tenantId: TENANT, tokenExpiresAt: 1, now: new Date() });

  function poster() {
    const logger = { warn: jest.fn(), debug: jest.fn() };
    const post = createStatusPoster(
      new ApiGatewayManagementApiClient({ region: "eu-west-1", endpoint: ENV.WEBSOCKET_MANAGEMENT_ENDPOINT }),
      new ConnectionReader(DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" })), ENV.CONNECTIONS_TABLE_NAME),
      logger,
    );
    return { post, logger };
  }

  function posted(): Array<{ connectionId: unknown; event: unknown }> {
    return api.commandCalls(PostToConnectionCommand).map((c) => ({
      connectionId: c.args[0].input.ConnectionId,
      event: JSON.parse(Buffer.from(c.args[0].input.Data as Uint8Array).toString("utf8")),
    }));
  }

  beforeEach(() => {
    ddb.reset();
    api.reset();
    ddb.on(GetCommand).resolves({ Item: recordOf(USER) });
    api.on(PostToConnectionCommand).resolves({});
  });

  it("checks the owner of the session's connection (consistent read), then posts the status event", async () => {
    const { post } = poster();
    expect(await post(IDENTITY, "Looking up your orders…")).toBe("sent");
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      TableName: ENV.CONNECTIONS_TABLE_NAME,
      Key: { connectionId: CONNECTION_ID },
      ConsistentRead: true,
    });
    expect(posted()).toEqual([{ connectionId: CONNECTION_ID, event: status(ANSWER_ID, "Looking up your orders…") }]);
  });

  it("posts nothing to a connection owned by another user, and warns", async () => {
    ddb.on(GetCommand).resolves({ Item: recordOf(OTHER_USER) });
    const { post, logger } = poster();
    expect(await post(IDENTITY, "x")).toBe("not_owner");
    expect(api).not.toHaveReceivedCommand(PostToConnectionCommand);
    expect(logger.warn).toHaveBeenCalledWith("status not posted: connection belongs to another user");
  });

  it("posts nothing to a connection without a record", async () => {
    ddb.on(GetCommand).resolves({});
    const { post, logger } = poster();
    expect(await post(IDENTITY, "x")).toBe("gone");
    expect(api).not.toHaveReceivedCommand(PostToConnectionCommand);
    expect(logger.debug).toHaveBeenCalled();
  });

  it("reports gone on a GoneException and deletes nothing (its role may not: I6, docs/architecture.md)", async () => {
    api.on(PostToConnectionCommand).rejects(new GoneException({ message: "gone", $metadata: { httpStatusCode: 410 } }));
    const { post } = poster();
    expect(await post(IDENTITY, "x")).toBe("gone");
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
  });

  it.each([
    ["the owner check fails", () => ddb.on(GetCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }))],
    ["the post fails", () => api.on(PostToConnectionCommand).rejects(new Error("ECONNRESET"))],
  ])("never rejects when %s: reports failed and logs the error's name only", async (_label, breakIt) => {
    breakIt();
    const { post, logger } = poster();
    expect(await post(IDENTITY, "x")).toBe("failed");
    expect(logger.warn).toHaveBeenCalledWith("status not posted", expect.objectContaining({ errorName: expect.any(String) }));
    expect(JSON.stringify(logger.warn.mock.calls)).not.toMatch(/denied|ECONNRESET/);
  });
});
