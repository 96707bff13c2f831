/**
 * AWS list prices (us-east-1, on-demand, no free tier) that the benchmarks turn call counts
 * into money with. Dated: prices change; update the date with the numbers. Model tokens
 * are excluded everywhere (they are the same in every architecture compared).
 *
 * Checked 2026-12-02 against the public pricing pages (Lambda, DynamoDB on-demand after
 * the November 2024 reduction, API Gateway WebSocket, AppSync, EventBridge, STS).
 */
export const PRICES_CHECKED = "2026-12-02";
export const PRICES_REGION = "us-east-1";

export const PRICES = {
  /** Per request. */
  lambdaRequest: 0.2 / 1e6,
  /** Per GB-second (x86). */
  lambdaGbSecond: 0.0000166667,
  /** Per read request unit (one strongly consistent read up to 4 KB; eventually consistent costs half). */
  dynamoReadUnit: 0.125 / 1e6,
  /** Per write request unit (one write up to 1 KB). */
  dynamoWriteUnit: 0.625 / 1e6,
  /** API Gateway WebSocket: per message, sent or received, metered in 32 KB increments. */
  webSocketMessage: 1.0 / 1e6,
  /** API Gateway WebSocket: per connection minute. */
  webSocketConnectionMinute: 0.25 / 1e6,
  /** AppSync: per query or mutation operation. */
  appSyncOperation: 4.0 / 1e6,
  /** AppSync: per real-time update delivered to a subscriber. */
  appSyncRealtimeUpdate: 2.0 / 1e6,
  /** EventBridge: per custom event published (delivery to a Lambda target is not charged). */
  eventBridgeEvent: 1.0 / 1e6,
  /** STS AssumeRole: no charge. Bedrock InvokeAgent: no charge beyond the model's tokens (excluded). */
  stsCall: 0,
  bedrockInvokeAgent: 0,
} as const;

/** What one answer uses, in billable units; every field a count per answer. */
export interface BillableUse {
  lambdaRequests: number;
  /** GB-seconds of Lambda duration (memory × own time); the model's time is excluded like its tokens. */
  lambdaGbSeconds: number;
  dynamoReadUnits: number;
  dynamoWriteUnits: number;
  webSocketMessages: number;
  appSyncOperations: number;
  appSyncRealtimeUpdates: number;
  eventBridgeEvents: number;
}

/** Pure: US dollars per 1,000 answers. */
export function costPer1000Answers(use: BillableUse): number {
  const perAnswer =
    use.lambdaRequests * PRICES.lambdaRequest +
    use.lambdaGbSeconds * PRICES.lambdaGbSecond +
    use.dynamoReadUnits * PRICES.dynamoReadUnit +
    use.dynamoWriteUnits * PRICES.dynamoWriteUnit +
    use.webSocketMessages * PRICES.webSocketMessage +
    use.appSyncOperations * PRICES.appSyncOperation +
    use.appSyncRealtimeUpdates * PRICES.appSyncRealtimeUpdate +
    use.eventBridgeEvents * PRICES.eventBridgeEvent;
  return perAnswer * 1000;
}
