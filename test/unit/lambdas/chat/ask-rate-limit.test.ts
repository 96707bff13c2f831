/**
 * The per-user ask limit: windows from the clock, the one conditional UpdateItem, and
 * which answers mean "full" (only ConditionalCheckFailed) versus "failed" (everything else).
 */
import { ConditionalCheckFailedException, DynamoDBClient, ProvisionedThroughputExceededException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import {
  AskRateLimiter,
  LIMIT_ITEM_GRACE_SECONDS,
  THROTTLED_MESSAGE,
  askWindow,
  countAskRequest,
  giveBackAskRequest,
  isLimitReached,
} from "../../../../lambdas/chat/ask-rate-limit";
import { USER_A, USER_B } from "./fixtures";

const at = (iso: string) => new Date(iso);
// 2026-11-02T10:00:00Z in epoch minutes.
const MINUTE = Math.floor(Date.parse("2026-11-02T10:00:00.000Z") / 60_000);

describe("askWindow", () => {
  it("keys the counter by user and the window's start in epoch minutes", () => {
    expect(askWindow(USER_A, at("2026-11-02T10:00:00.000Z")).limitKey).toBe(`asks#${USER_A}#${MINUTE}`);
  });

  it("keeps every instant of one minute in the same window, and the next minute in a new one", () => {
    const first = askWindow(USER_A, at("2026-11-02T10:00:00.000Z"));
    expect(askWindow(USER_A, at("2026-11-02T10:00:59.999Z"))).toEqual(first);
    expect(askWindow(USER_A, at("2026-11-02T10:01:00.000Z")).limitKey).toBe(`asks#${USER_A}#${MINUTE + 1}`);
  });

  it("gives each user their own counter", () => {
    const now = at("2026-11-02T10:00:30.000Z");
    expect(askWindow(USER_A, now).limitKey).not.toBe(askWindow(USER_B, now).limitKey);
  });

  it("lets TTL expire the counter a few minutes after its window ends, never before", () => {
    const { ttl } = askWindow(USER_A, at("2026-11-02T10:00:12.345Z"));
    const windowEnd = Date.parse("2026-11-02T10:01:00.000Z") / 1000;
    expect(ttl).toBe(windowEnd + LIMIT_ITEM_GRACE_SECONDS);
    expect(Number.isInteger(ttl)).toBe(true);
  });
});

describe("countAskRequest", () => {
  it("is one atomic conditional increment that also sets the expiry", () => {
    const window = askWindow(USER_A, at("2026-11-02T10:00:00.000Z"));
    expect(countAskRequest("limits", window, 30)).toEqual({
      TableName: "limits",
      Key: { limitKey: window.limitKey },
      UpdateExpression: "ADD asks :one SET #ttl = :ttl",
      ConditionExpression: "attribute_not_exists(asks) OR asks < :max",
      ExpressionAttributeNames: { "#ttl": "ttl" },
      ExpressionAttributeValues: { ":one": 1, ":max": 30, ":ttl": window.ttl },
      ReturnValues: "NONE",
    });
  });
});

describe("isLimitReached", () => {
  it("is true only for a failed condition", () => {
    expect(isLimitReached(new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} }))).toBe(true);
    expect(isLimitReached(new ProvisionedThroughputExceededException({ message: "slow down", $metadata: {} }))).toBe(false);
    expect(isLimitReached(new Error("ConditionalCheckFailedException"))).toBe(false);
    expect(isLimitReached("ConditionalCheckFailedException")).toBe(false);
    expect(isLimitReached(undefined)).toBe(false);
  });
});

describe("AskRateLimiter", () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" }));
  const now = at("2026-11-02T10:00:30.000Z");
  beforeEach(() => ddb.reset());

  it("allows an ask the table counted", async () => {
    ddb.on(UpdateCommand).resolves({});
    await expect(new AskRateLimiter(documents, "limits", 5).tryConsume(USER_A, now)).resolves.toBe(true);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, countAskRequest("limits", askWindow(USER_A, now), 5));
  });

  it("refuses when the window is full", async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} }));
    await expect(new AskRateLimiter(documents, "limits", 5).tryConsume(USER_A, now)).resolves.toBe(false);
  });

  it("rethrows any other failure instead of deciding", async () => {
    const failure = new ProvisionedThroughputExceededException({ message: "slow down", $metadata: {} });
    ddb.on(UpdateCommand).rejects(failure);
    await expect(new AskRateLimiter(documents, "limits", 5).tryConsume(USER_A, now)).rejects.toBe(failure);
  });

  it("gives back one ask of the same window, only from a counter holding one (never creates or goes below zero)", async () => {
    ddb.on(UpdateCommand).resolves({});
    await new AskRateLimiter(documents, "limits", 5).giveBack(USER_A, now);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, giveBackAskRequest("limits", askWindow(USER_A, now)));
    expect(giveBackAskRequest("limits", askWindow(USER_A, now))).toEqual({
      TableName: "limits",
      Key: { limitKey: `asks#${USER_A}#${MINUTE}` },
      UpdateExpression: "ADD asks :minusOne",
      ConditionExpression: "asks >= :one",
      ExpressionAttributeValues: { ":minusOne": -1, ":one": 1 },
      ReturnValues: "NONE",
    });
  });

  it("takes a give-back's failed condition (counter gone or empty) quietly, and rethrows other failures", async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} }));
    await expect(new AskRateLimiter(documents, "limits", 5).giveBack(USER_A, now)).resolves.toBeUndefined();
    const failure = new ProvisionedThroughputExceededException({ message: "slow down", $metadata: {} });
    ddb.on(UpdateCommand).rejects(failure);
    await expect(new AskRateLimiter(documents, "limits", 5).giveBack(USER_A, now)).rejects.toBe(failure);
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses a limit of %p at construction", (limit) => {
    expect(() => new AskRateLimiter(documents, "limits", limit)).toThrow(RangeError);
  });

  it("says what to do in its refusal message", () => {
    expect(THROTTLED_MESSAGE).toMatch(/too many questions.*minute/);
  });
});
