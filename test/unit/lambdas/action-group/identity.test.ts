import { ToolError } from "../../../../lambdas/action-group/errors";
import { EXPIRY_MARGIN_MS, readSessionIdentity } from "../../../../lambdas/action-group/identity";
import { ANSWER_ID, CONNECTION_ID, SCOPED_KEY, SCOPED_SECRET, SCOPED_TOKEN, TENANT, USER, sessionAttributes } from "./fixtures";

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
