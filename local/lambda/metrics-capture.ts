/**
 * CloudWatch Logs' embedded-metric-format extraction, locally: a function's stdout is cut
 * into lines, and every line that is an EMF record (a JSON object whose `_aws` carries
 * `CloudWatchMetrics`) is copied, exactly as written, to `.local/metrics/<function>.jsonl`.
 * The function's log keeps every line too, as CloudWatch Logs would.
 */
import type { Writable } from "node:stream";

/** Pure: whether one stdout line is an EMF record CloudWatch would turn into metrics. */
export function isEmfLine(line: string): boolean {
  if (!line.startsWith("{") || !line.includes('"_aws"')) return false;
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return false;
  }
  if (typeof record !== "object" || record === null || Array.isArray(record)) return false;
  const aws = (record as { _aws?: unknown })._aws;
  if (typeof aws !== "object" || aws === null) return false;
  const { Timestamp, CloudWatchMetrics } = aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown };
  return typeof Timestamp === "number" && Array.isArray(CloudWatchMetrics) && CloudWatchMetrics.length > 0;
}

/** Longest partial line kept between writes; a longer one is no EMF record we could parse. */
export const MAX_PENDING_CHARS = 256 * 1024;

/**
 * One per execution environment (one stdout): writes arrive in arbitrary pieces, so the
 * unfinished last line waits for the next write. Many environments share one output.
 */
export class EmfLineCapture {
  private pending = "";

  constructor(private readonly output: Writable) {}

  write(data: Buffer | string): void {
    const lines = (this.pending + data.toString()).split("\n");
    this.pending = lines.pop() ?? "";
    if (this.pending.length > MAX_PENDING_CHARS) this.pending = "";
    for (const line of lines) {
      const text = line.endsWith("\r") ? line.slice(0, -1) : line;
      if (isEmfLine(text)) this.output.write(`${text}\n`);
    }
  }
}
