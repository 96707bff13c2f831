import { authOutcome, CognitoError, COGNITO_CONTENT_TYPE, createCognitoClient, errorTypeName, type FetchLike } from "../../../../web/js/cognito.js";

type Call = { url: string; init: Parameters<FetchLike>[1] };

function fakeFetch(status: number, body: unknown, headers: Record<string, string> = {}) {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    return {
      ok: status >= 200 && status < 300,
      status,
      text: async () => (typeof body === "string" ? body : JSON.stringify(body)),
      headers: { get: (name: string) => headers[name.toLowerCase()] ?? null },
    };
  };
  return { fetch, calls };
}

const endpoint = "https://cognito-idp.us-east-1.amazonaws.com/";
const tokens = { AuthenticationResult: { IdToken: "id.t.s", AccessToken: "ac.t.s", RefreshToken: "refresh", ExpiresIn: 3600 } };

describe("createCognitoClient", () => {
  it("signs in with USER_PASSWORD_AUTH over Cognito's JSON API", async () => {
    const { fetch, calls } = fakeFetch(200, tokens);
    const client = createCognitoClient({ endpoint, clientId: "client1", fetch });
    await expect(client.signIn("alice", "pw")).resolves.toEqual({
      kind: "tokens",
      tokens: { idToken: "id.t.s", accessToken: "ac.t.s", refreshToken: "refresh", expiresIn: 3600 },
    });
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe(endpoint);
    expect(calls[0].init.method).toBe("POST");
    expect(calls[0].init.credentials).toBe("omit");
    expect(calls[0].init.headers).toEqual({
      "Content-Type": COGNITO_CONTENT_TYPE,
      "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
    });
    expect(JSON.parse(calls[0].init.body)).toEqual({
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: "client1",
      AuthParameters: { USERNAME: "alice", PASSWORD: "pw" },
    });
  });

  it("returns the NEW_PASSWORD_REQUIRED challenge and answers it", async () => {
    const first = fakeFetch(200, { ChallengeName: "NEW_PASSWORD_REQUIRED", Session: "sess-1", ChallengeParameters: {} });
    await expect(createCognitoClient({ endpoint, clientId: "c", fetch: first.fetch }).signIn("u", "temp")).resolves.toEqual({
      kind: "new_password_required",
      session: "sess-1",
    });
    const second = fakeFetch(200, tokens);
    await createCognitoClient({ endpoint, clientId: "c", fetch: second.fetch }).completeNewPassword("u", "N3w-password!", "sess-1");
    expect(second.calls[0].init.headers["X-Amz-Target"]).toBe("AWSCognitoIdentityProviderService.RespondToAuthChallenge");
    expect(JSON.parse(second.calls[0].init.body)).toEqual({
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      ClientId: "c",
      Session: "sess-1",
      ChallengeResponses: { USERNAME: "u", NEW_PASSWORD: "N3w-password!" },
    });
  });

  it("refreshes with REFRESH_TOKEN_AUTH (no new refresh token comes back)", async () => {
    const { fetch, calls } = fakeFetch(200, { AuthenticationResult: { IdToken: "i.d.t", AccessToken: "a.c.t", ExpiresIn: 3600 } });
    const outcome = await createCognitoClient({ endpoint, clientId: "c", fetch }).refresh("refresh-1");
    expect(outcome).toEqual({ kind: "tokens", tokens: { idToken: "i.d.t", accessToken: "a.c.t", refreshToken: undefined, expiresIn: 3600 } });
    expect(JSON.parse(calls[0].init.body)).toEqual({ AuthFlow: "REFRESH_TOKEN_AUTH", ClientId: "c", AuthParameters: { REFRESH_TOKEN: "refresh-1" } });
  });

  it("revokes the refresh token on sign-out", async () => {
    const { fetch, calls } = fakeFetch(200, "");
    await createCognitoClient({ endpoint, clientId: "c", fetch }).revoke("refresh-1");
    expect(calls[0].init.headers["X-Amz-Target"]).toBe("AWSCognitoIdentityProviderService.RevokeToken");
    expect(JSON.parse(calls[0].init.body)).toEqual({ ClientId: "c", Token: "refresh-1" });
  });

  it("turns Cognito errors into CognitoError with the exception name, from the body or the header", async () => {
    const fromBody = fakeFetch(400, { __type: "NotAuthorizedException", message: "Incorrect username or password." });
    const error = await createCognitoClient({ endpoint, clientId: "c", fetch: fromBody.fetch }).signIn("u", "bad-pw").catch((e) => e);
    expect(error).toBeInstanceOf(CognitoError);
    expect(error).toMatchObject({ code: "NotAuthorizedException", status: 400, message: "Incorrect username or password." });
    expect(String(error.message)).not.toContain("bad-pw");

    const fromHeader = fakeFetch(400, { message: "x" }, { "x-amzn-errortype": "InvalidPasswordException:http://internal.amazon.com/" });
    await expect(createCognitoClient({ endpoint, clientId: "c", fetch: fromHeader.fetch }).signIn("u", "p")).rejects.toMatchObject({
      code: "InvalidPasswordException",
    });
  });

  it("reports network failures and non-JSON answers", async () => {
    const offline: FetchLike = async () => {
      throw new TypeError("Failed to fetch");
    };
    await expect(createCognitoClient({ endpoint, clientId: "c", fetch: offline }).signIn("u", "p")).rejects.toMatchObject({ code: "NetworkError" });
    const html = fakeFetch(502, "<html>Bad gateway</html>");
    await expect(createCognitoClient({ endpoint, clientId: "c", fetch: html.fetch }).signIn("u", "p")).rejects.toMatchObject({
      code: "UnknownError",
      status: 502,
    });
  });
});

describe("authOutcome / errorTypeName", () => {
  it("refuses challenges the page cannot answer and responses without tokens", () => {
    expect(() => authOutcome({ ChallengeName: "SOFTWARE_TOKEN_MFA", Session: "s" })).toThrow(
      expect.objectContaining({ code: "UnsupportedChallenge" }),
    );
    expect(() => authOutcome({ AuthenticationResult: { AccessToken: "a" } })).toThrow(expect.objectContaining({ code: "MalformedResponse" }));
  });

  it.each([
    ["NotAuthorizedException", "NotAuthorizedException"],
    ["com.amazonaws.cognito.identity.idp.model#UserNotFoundException", "UserNotFoundException"],
    ["InvalidPasswordException:http://internal.amazon.com/", "InvalidPasswordException"],
    [undefined, "UnknownError"],
  ])("%s → %s", (raw, name) => {
    expect(errorTypeName(raw)).toBe(name);
  });
});
