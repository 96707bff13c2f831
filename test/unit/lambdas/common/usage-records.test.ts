/** lambdas/common/usage-records.ts: the answer record and the counters' atomic ADD requests. */
import {
  addToCounterRequest,
  answerCounts,
  answerRecord,
  counterExpiresAt,
  counterKeys,
  putAnswerRecordRequest,
  type AnswerUsage,
} from "../../../../lambdas/common/usage-records";

const SUB = "0f0e0d0c-1111-2222-3333-444455556666";
const usage: AnswerUsage = {
  tenantId: "tenant1",
  userId: SUB,
  answerId: `${SUB}.a1`,
  startedAt: new Date("2026-12-02T23:59:59.000Z"),
  endedAt: new Date("2026-12-03T00:00:02.000Z"),
  outcome: "done",
  inputTokens: 120,
  outputTokens: 30,
  toolCalls: 1,
  chunks: 4,
  bytes: 512,
};
const epoch = (iso: string) => Date.parse(iso) / 1000;

describe("answerRecord", () => {
  it("keys the record by user and start, and expires it retentionDays after it ended", () => {
    const record = answerRecord(usage, 90);
    expect(record).toEqual({
      pk: `tenant1#${SUB}`,
      sk: `answer#2026-12-02T23:59:59.000Z#${SUB}.a1`,
      tenantId: "tenant1",
      userId: SUB,
      answerId: `${SUB}.a1`,
      startedAt: "2026-12-02T23:59:59.000Z",
      endedAt: "2026-12-03T00:00:02.000Z",
      outcome: "done",
      inputTokens: 120,
      outputTokens: 30,
      toolCalls: 1,
      chunks: 4,
      bytes: 512,
      expiresAt: epoch("2026-12-03T00:00:02.000Z") + 90 * 86400,
    });
    expect(putAnswerRecordRequest("usage", record)).toEqual({ TableName: "usage", Item: record });
  });
});

describe("counters", () => {
  it("counts an answer on the day and month it started (where its reservation was made)", () => {
    expect(counterKeys("tenant1", SUB, usage.startedAt)).toEqual({
      userDay: { pk: `tenant1#${SUB}`, sk: "day#2026-12-02" },
      tenantDay: { pk: "tenant1", sk: "day#2026-12-02" },
      tenantMonth: { pk: "tenant1", sk: "month#2026-12" },
    });
    expect(counterExpiresAt("userDay", usage.startedAt, 10)).toBe(epoch("2026-12-03T00:00:00Z") + 10 * 86400);
    expect(counterExpiresAt("tenantMonth", usage.startedAt, 10)).toBe(epoch("2027-01-01T00:00:00Z") + 10 * 86400);
  });

  it("adds one ask and the usage with ADD, and releases a reservation in the same update", () => {
    const key = { pk: "tenant1", sk: "day#2026-12-02" };
    const request = addToCounterRequest("usage", key, answerCounts(usage), 1234, 2000);
    expect(request).toMatchObject({ TableName: "usage", Key: key, ReturnValues: "NONE" });
    expect(request.UpdateExpression).toBe(
      "ADD #asks :asks, #inputTokens :inputTokens, #outputTokens :outputTokens, #toolCalls :toolCalls, #chunks :chunks, #bytes :bytes, #reserved :release, #committed :committed SET #expiresAt = :expiresAt",
    );
    expect(request.ExpressionAttributeValues).toEqual({
      ":asks": 1,
      ":inputTokens": 120,
      ":outputTokens": 30,
      ":toolCalls": 1,
      ":chunks": 4,
      ":bytes": 512,
      ":release": -2000,
      ":committed": 150 - 2000,
      ":expiresAt": 1234,
    });
    expect(request.ExpressionAttributeNames).toMatchObject({
      "#reserved": "reservedTokens",
      "#committed": "committedTokens",
      "#expiresAt": "expiresAt",
    });
    // Nothing reserved: the reservation attribute is not touched.
    const unreserved = addToCounterRequest("usage", key, answerCounts(usage), 1234);
    expect(unreserved.UpdateExpression).not.toContain("reserved");
    expect(unreserved.ExpressionAttributeValues).toMatchObject({ ":committed": 150 });
  });
});
