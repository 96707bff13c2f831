/** Defence-in-depth redaction: secret-named keys and secret-shaped values never print. */
import {
  REDACTED,
  createLogger,
  errorSummary,
  invocationLogger,
  redactString,
  redactingReplacer,
} from "../../../../lambdas/common/logger";

const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl";
const KEY = "ASIAQXAMPLEFAKEKEY42";

describe("redactString", () => {
  it("redacts JWTs and access key ids inside text", () => {
    expect(redactString(`token ${JWT} key ${KEY} ok`)).toBe(`token ${REDACTED} key ${REDACTED} ok`);
  });
  it("leaves ordinary text alone", () => {
    expect(redactString("tenant1 asked about order 42")).toBe("tenant1 asked about order 42");
  });
});

describe("redactingReplacer", () => {
  it("redacts secret-named keys at any depth, case-insensitively", () => {
    const text = JSON.stringify(
      { a: { SecretAccessKey: "x", sessionToken: "y", nested: [{ Authorization: "Bearer z" }] }, tenantId: "t1" },
      redactingReplacer,
    );
    expect(JSON.parse(text)).toEqual({
      a: { SecretAccessKey: REDACTED, sessionToken: REDACTED, nested: [{ Authorization: REDACTED }] },
      tenantId: "t1",
    });
  });
});

describe("createLogger", () => {
  it("prints redacted JSON", () => {
    const writes: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      const logger = createLogger("test");
      logger.info(`leak ${JWT}`, { accessKeyId: KEY, secretAccessKey: "s3cr3t-value", safe: "visible" });
    } finally {
      process.stdout.write = original;
    }
    const out = writes.join("");
    expect(out).toContain("visible");
    expect(out).not.toContain(JWT);
    expect(out).not.toContain(KEY);
    expect(out).not.toContain("s3cr3t-value");
  });
});

/** Every line the logger writes while `run` runs, parsed. */
function linesOf(run: () => void): Record<string, unknown>[] {
  const writes: string[] = [];
  const out = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    writes.push(chunk.toString());
    return true;
  });
  const err = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    writes.push(chunk.toString());
    return true;
  });
  try {
    run();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return writes.join("").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("invocationLogger", () => {
  it("adds its invocation's keys to its own lines, redacted as any line is", () => {
    const logger = createLogger("test");
    const [line] = linesOf(() => {
      const log = invocationLogger(logger, { tenantId: "t1" });
      log.appendKeys({ userId: "u1" });
      log.warn("refused", { code: "forbidden", accessKeyId: KEY });
    });
    expect(line).toMatchObject({ level: "WARN", service: "test", message: "refused", tenantId: "t1", userId: "u1", code: "forbidden" });
    expect(JSON.stringify(line)).not.toContain(KEY);
  });

  it("never lets one invocation's keys reach another's lines or the shared logger's, even from a late line", () => {
    const logger = createLogger("test");
    const lines = linesOf(() => {
      const first = invocationLogger(logger, { route: "ask" });
      first.appendKeys({ tenantId: "t1", userId: "alice", answerId: "alice:1" });
      first.info("first");
      const second = invocationLogger(logger, { route: "$default" });
      second.info("second");
      logger.info("shared");
      // A callback of the first invocation that answers after the second began.
      first.error("late");
      second.appendKeys({ userId: "bob" });
      second.info("second again");
    });
    const byMessage = new Map(lines.map((line) => [line.message, line]));
    expect(byMessage.get("first")).toMatchObject({ route: "ask", tenantId: "t1", userId: "alice", answerId: "alice:1" });
    expect(byMessage.get("second")).toMatchObject({ route: "$default" });
    for (const key of ["tenantId", "userId", "answerId"]) {
      expect(byMessage.get("second")).not.toHaveProperty(key);
      expect(byMessage.get("shared")).not.toHaveProperty(key);
    }
    expect(byMessage.get("shared")).not.toHaveProperty("route");
    expect(byMessage.get("late")).toMatchObject({ route: "ask", userId: "alice", answerId: "alice:1" });
    expect(byMessage.get("second again")).toMatchObject({ route: "$default", userId: "bob" });
    expect(byMessage.get("second again")).not.toHaveProperty("answerId");
  });

  it("writes nothing below the logger's level", () => {
    const logger = createLogger("test");
    logger.setLogLevel("WARN");
    const lines = linesOf(() => {
      const log = invocationLogger(logger, { userId: "u1" });
      log.debug("d");
      log.info("i");
      log.warn("w");
    });
    expect(lines.map((line) => line.message)).toEqual(["w"]);
  });
});

describe("errorSummary", () => {
  it("keeps name and code, drops the message", () => {
    const error = Object.assign(new Error(`bad ${JWT}`), { name: "ValidationException", code: "x1" });
    expect(errorSummary(error)).toEqual({ errorName: "ValidationException", errorCode: "x1" });
    expect(errorSummary("text")).toEqual({ errorName: "string" });
  });
});
