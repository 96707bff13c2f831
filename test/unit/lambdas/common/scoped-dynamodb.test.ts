/**
 * lambdas/common/scoped-dynamodb.ts: the client signs with the caller's scoped credentials
 * only, never with the function's own role from the environment (I3, I4).
 */
import { createScopedClient } from "../../../../lambdas/common/scoped-dynamodb";

const ROLE = { AWS_ACCESS_KEY_ID: "ASIAROLEKEY000000001", AWS_SECRET_ACCESS_KEY: "role-secret", AWS_SESSION_TOKEN: "role-token" };
const SCOPED = {
  accessKeyId: "ASIASCOPEDKEY0000001",
  secretAccessKey: "scoped-secret",
  sessionToken: "scoped-token",
  expiration: new Date(Date.now() + 15 * 60_000),
};

describe("createScopedClient", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("uses exactly the scoped credentials, even when role credentials are in the environment", async () => {
    Object.assign(process.env, ROLE);
    const { documents, base } = createScopedClient("eu-west-1", SCOPED);
    const resolved = await documents.config.credentials();
    expect(resolved).toMatchObject({ accessKeyId: SCOPED.accessKeyId, secretAccessKey: "scoped-secret", sessionToken: "scoped-token" });
    expect(resolved.accessKeyId).not.toBe(ROLE.AWS_ACCESS_KEY_ID);
    await expect(base.config.region()).resolves.toBe("eu-west-1");
    base.destroy();
  });

  it("drops undefined attributes when writing, as the tools' items may leave optional fields out", () => {
    const { documents, base } = createScopedClient("eu-west-1", SCOPED);
    expect(documents.config.translateConfig?.marshallOptions?.removeUndefinedValues).toBe(true);
    base.destroy();
  });
});
