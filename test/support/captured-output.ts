/**
 * What a function under test writes to stdout and stderr (Powertools' log and metric lines),
 * captured while `act` runs and restored after it, even when it throws. `act` gets the
 * live list of writes, for a test that asks how much was written at some moment.
 */
export interface CapturedOutput {
  /** Everything written, in order. */
  readonly text: string;
  /** Each non-empty line, parsed as JSON (the functions write one JSON object per line). */
  readonly lines: Record<string, unknown>[];
}

export async function captureOutput(act: (writes: readonly string[]) => unknown): Promise<CapturedOutput> {
  const writes: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    writes.push(chunk.toString());
    return true;
  };
  const out = jest.spyOn(process.stdout, "write").mockImplementation(capture);
  const err = jest.spyOn(process.stderr, "write").mockImplementation(capture);
  try {
    await act(writes);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const text = writes.join("");
  const lines = text
    .split("\n")
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { text, lines };
}
