/** Defence-in-depth redaction: secret-named keys and secret-shaped values never print. */
import {
  REDACTED,
  createLogger,
  errorSummary,
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

describe("errorSummary", () => {
  it("keeps name and code, drops the message", () => {
    const error = Object.assign(new Error(`bad ${JWT}`), { name: "ValidationException", code: "x1" });
    expect(errorSummary(error)).toEqual({ errorName: "ValidationException", errorCode: "x1" });
    expect(errorSummary("text")).toEqual({ errorName: "string" });
  });
});
