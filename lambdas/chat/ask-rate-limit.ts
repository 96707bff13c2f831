/**
 * The per-user ask limit: a fixed one-minute window per user, counted with ONE
 * conditional UpdateItem on the limits table. The counter item is keyed by user AND
 * window, so a new window starts from nothing: there is no decrement, no cleanup and no
 * counter that a crash could leave stuck; old items simply expire by TTL.
 *
 * The key comes from the verified caller (authorizer context), never from the frame, so
 * no one can spend another user's allowance. The ask route spends the ask while it reads
 * the connection's owner (one round trip fewer before the hand-off) and gives it back when
 * the checks then refuse the ask, so a refused ask still costs no allowance (I11).
 */
import { UpdateCommand, type DynamoDBDocumentClient, type UpdateCommandInput } from "@aws-sdk/lib-dynamodb";

export const ASK_WINDOW_MS = 60_000;
/**
 * How long a counter outlives its window. Only for housekeeping: the window is in the key,
 * so a counter that TTL has not yet removed (TTL deletion lags) is never read again.
 */
export const LIMIT_ITEM_GRACE_SECONDS = 5 * 60;

export const THROTTLED_MESSAGE = "too many questions; try again in a minute";

export interface AskWindow {
  /** `asks#<sub>#<window start, in epoch minutes>` */
  limitKey: string;
  /** Epoch seconds at which DynamoDB TTL may delete the counter. */
  ttl: number;
}

/** Pure: the window `now` falls in, for one user. */
export function askWindow(userId: string, now: Date): AskWindow {
  const windowStartMinute = Math.floor(now.getTime() / ASK_WINDOW_MS);
  const windowEndSeconds = ((windowStartMinute + 1) * ASK_WINDOW_MS) / 1000;
  return { limitKey: `asks#${userId}#${windowStartMinute}`, ttl: windowEndSeconds + LIMIT_ITEM_GRACE_SECONDS };
}

/**
 * Pure: count one ask, unless the window already holds `maxAsks`. Check and increment are
 * one atomic request, so concurrent asks (several connections, several Lambda
 * instances) can never admit more than `maxAsks` between them.
 */
export function countAskRequest(tableName: string, window: AskWindow, maxAsks: number): UpdateCommandInput {
  return {
    TableName: tableName,
    Key: { limitKey: window.limitKey },
    UpdateExpression: "ADD asks :one SET #ttl = :ttl",
    ConditionExpression: "attribute_not_exists(asks) OR asks < :max",
    // TTL is a DynamoDB reserved word.
    ExpressionAttributeNames: { "#ttl": "ttl" },
    ExpressionAttributeValues: { ":one": 1, ":max": maxAsks, ":ttl": window.ttl },
    ReturnValues: "NONE",
  };
}

/**
 * Pure: give back one ask spent in `window` (the checks that ran meanwhile refused it).
 * Only a counter that exists and holds at least one ask is decremented, so a give-back can
 * never create a counter or take it below zero.
 */
export function giveBackAskRequest(tableName: string, window: AskWindow): UpdateCommandInput {
  return {
    TableName: tableName,
    Key: { limitKey: window.limitKey },
    UpdateExpression: "ADD asks :minusOne",
    ConditionExpression: "asks >= :one",
    ExpressionAttributeValues: { ":minusOne": -1, ":one": 1 },
    ReturnValues: "NONE",
  };
}

/** Pure: the condition failed, i.e. the window is full. Any other error is not a "no". */
export function isLimitReached(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}

export class AskRateLimiter {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly maxAsksPerMinute: number,
  ) {
    if (!Number.isInteger(maxAsksPerMinute) || maxAsksPerMinute < 1) {
      throw new RangeError("the ask limit must be a whole number of at least 1");
    }
  }

  /**
   * Spends one ask of `userId`'s current window: true if it was within the limit, false
   * if the window is full. Rethrows every other failure (the caller decides what that means).
   */
  async tryConsume(userId: string, now: Date): Promise<boolean> {
    try {
      await this.documents.send(new UpdateCommand(countAskRequest(this.tableName, askWindow(userId, now), this.maxAsksPerMinute)));
      return true;
    } catch (error) {
      if (isLimitReached(error)) return false;
      throw error;
    }
  }

  /**
   * Gives back the ask `tryConsume` spent at `now` (same window). A counter already gone or
   * at zero is left alone; other failures are rethrown (the caller logs them: a lost
   * give-back only costs the caller one ask of this minute).
   */
  async giveBack(userId: string, now: Date): Promise<void> {
    try {
      await this.documents.send(new UpdateCommand(giveBackAskRequest(this.tableName, askWindow(userId, now))));
    } catch (error) {
      if (!isLimitReached(error)) throw error;
    }
  }
}
