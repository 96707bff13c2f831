/** local/lambda/metrics-capture.ts: which stdout lines are EMF records, and lines cut across writes. */
import { PassThrough } from "node:stream";
import { EmfLineCapture, isEmfLine, MAX_PENDING_CHARS } from "../../../../local/lambda/metrics-capture";

const EMF = JSON.stringify({
  _aws: { Timestamp: 1764672000000, CloudWatchMetrics: [{ Namespace: "ns", Dimensions: [["service", "tenantId"]], Metrics: [{ Name: "Asks", Unit: "Count" }] }] },
  service: "chat",
  tenantId: "tenant1",
  Asks: 1,
});

describe("isEmfLine", () => {
  it("accepts an EMF record", () => {
    expect(isEmfLine(EMF)).toBe(true);
  });

  it.each([
    ["a log line", JSON.stringify({ level: "INFO", message: "answer done" })],
    ["a log line that mentions _aws", JSON.stringify({ level: "INFO", message: '"_aws"' })],
    ["_aws without CloudWatchMetrics", JSON.stringify({ _aws: { Timestamp: 1 } })],
    ["empty CloudWatchMetrics", JSON.stringify({ _aws: { Timestamp: 1, CloudWatchMetrics: [] } })],
    ["no Timestamp", JSON.stringify({ _aws: { CloudWatchMetrics: [{}] } })],
    ["broken JSON", EMF.slice(0, -1)],
    ["plain text", "START RequestId: x"],
    ["an array", `[${EMF}]`],
  ])("refuses %s", (_label, line) => {
    expect(isEmfLine(line)).toBe(false);
  });
});

describe("EmfLineCapture", () => {
  function captured(writes: string[]): string {
    const output = new PassThrough();
    const chunks: string[] = [];
    output.on("data", (data: Buffer) => chunks.push(data.toString()));
    const capture = new EmfLineCapture(output);
    for (const piece of writes) capture.write(Buffer.from(piece));
    return chunks.join("");
  }

  it("copies only EMF lines, exactly as written, one per line", () => {
    expect(captured([`${EMF}\n{"level":"INFO"}\n${EMF}\r\n`])).toBe(`${EMF}\n${EMF}\n`);
  });

  it("joins a line cut across writes, and waits for its end", () => {
    expect(captured([EMF.slice(0, 10), EMF.slice(10, 40), `${EMF.slice(40)}\n`])).toBe(`${EMF}\n`);
    expect(captured([EMF])).toBe("");
  });

  it("drops an unfinished line longer than any EMF record it could be", () => {
    expect(captured([`{"_aws":${"x".repeat(MAX_PENDING_CHARS + 1)}`, `\n${EMF}\n`])).toBe(`${EMF}\n`);
  });
});
