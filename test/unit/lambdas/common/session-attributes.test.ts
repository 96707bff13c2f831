/** The sessionAttributes contract: complete, well-formed identity and credentials or nothing. */
import { SessionAttributes } from "../../../../lambdas/common/session-attributes";

const valid = {
  tenantId: "tenant1",
  userId: "11111111-1111-4111-8111-111111111111",
  answerId: "11111111-1111-4111-8111-111111111111.q-1",
  connectionId: "Ab1CdEfGhIJKLmn=",
  accessKeyId: "ASIAQXAMPLEFAKEKEY42",
  secretAccessKey: "secret",
  sessionToken: "token",
  credentialsExpiration: "2026-11-02T10:15:00.000Z",
};

describe("SessionAttributes", () => {
  it("accepts the full contract", () => expect(SessionAttributes.parse(valid)).toEqual(valid));

  it.each(Object.keys(valid))("requires %s", (key) => {
    const { [key as keyof typeof valid]: _dropped, ...rest } = valid;
    expect(SessionAttributes.safeParse(rest).success).toBe(false);
  });

  it.each([
    ["tenantId", "Tenant 1"],
    ["userId", "admin"],
    ["answerId", "someone-else.q"],
    ["accessKeyId", "short"],
    ["credentialsExpiration", "tomorrow"],
  ])("rejects a malformed %s", (key, value) => {
    expect(SessionAttributes.safeParse({ ...valid, [key]: value }).success).toBe(false);
  });
});
