/** Unsigned JWT-shaped strings for the page's tests: the page only reads claims, the server verifies. */
export const SUB = "6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b";

export function fakeJwt(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256", kid: "k" })}.${part(payload)}.c2lnbmF0dXJl`;
}

export function fakeIdToken(overrides: Record<string, unknown> = {}, expiresAtMs = Date.now() + 3600_000): string {
  return fakeJwt({
    sub: SUB,
    "cognito:username": "tenant1-user",
    "custom:tenantId": "tenant1",
    token_use: "id",
    exp: Math.floor(expiresAtMs / 1000),
    ...overrides,
  });
}
