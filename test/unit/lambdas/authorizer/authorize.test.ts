/**
 * lambdas/authorizer/authorize.ts: the `$connect` decision end to end with real keys, and
 * its parts: where the token may come from, identity from verified claims, and the policy
 * answered to API Gateway.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import {
  allowPolicy,
  type AuthorizerPolicy,
  createAuthorizerHandler,
  denyPolicy,
  expiryFromClaims,
  extractToken,
  identityFromClaims,
  methodArnOf,
  rejectTokenInQuery,
  subFromClaims,
  tenantFromClaims,
  type WebSocketAuthorizerEvent,
} from "../../../../lambdas/authorizer/authorize";
import { AuthorizationError } from "../../../../lambdas/authorizer/errors";
import { createTokenVerifier } from "../../../../lambdas/authorizer/verifier";
import {
  createSigningKey,
  jwksOf,
  type JwksServer,
  type SigningKey,
  startJwksServer,
  TestIdentityProvider,
} from "../../../../local/cognito/test-identity-provider";
import {
  APP_PROTOCOL,
  captureOutput,
  CLIENT_ID,
  connectEvent,
  METHOD_ARN,
  overrideConfig,
  withToken,
} from "./fixtures";
import { rejectionCode } from "./rejection-code";

const SUB = "6b2e3f4a-1c2d-4e5f-8a9b-0c1d2e3f4a5b";

let server: JwksServer;
let key: SigningKey;
let foreignKey: SigningKey;
let idp: TestIdentityProvider;
let handler: (event: WebSocketAuthorizerEvent) => Promise<AuthorizerPolicy>;
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  key = createSigningKey("k1");
  foreignKey = createSigningKey("k1");
  server = await startJwksServer(jwksOf(key));
  idp = new TestIdentityProvider({ issuer: server.issuer, clientId: CLIENT_ID, key });
  const config = overrideConfig(server.issuer, server.jwksUri);
  handler = createAuthorizerHandler({
    config,
    verifier: createTokenVerifier(config),
    logger: new Logger({ serviceName: "authorizer-test", logLevel: "INFO" }),
  });
});

afterAll(() => server.close());

beforeEach(() => {
  output = captureOutput();
});

afterEach(() => output.restore());

function logEntries(): Array<Record<string, unknown>> {
  return output.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
}

function expectDenied(policy: AuthorizerPolicy, code: string): void {
  expect(policy.policyDocument.Statement).toEqual([{ Action: "execute-api:Invoke", Effect: "Deny", Resource: expect.any(String) }]);
  expect(policy.context).toBeUndefined();
  expect(policy.principalId).not.toBe(SUB);
  expect(logEntries()).toEqual([expect.objectContaining({ level: "WARN", message: "connection refused", code })]);
}

it("allows a genuine ID token, scoped to the methodArn, with the identity as context", async () => {
  const exp = Math.floor(Date.now() / 1000) + 1800;
  const token = idp.idToken({ sub: SUB, "custom:tenantId": "tenant2", exp });
  const policy = await handler(withToken(token));
  expect(policy).toEqual({
    principalId: SUB,
    policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: METHOD_ARN }] },
    context: { userId: SUB, tenantId: "tenant2", tokenExpiresAt: exp, tokenIssuedAt: expect.any(Number) },
  });
  expect(logEntries()).toEqual([
    expect.objectContaining({ level: "INFO", message: "connection authorized", tenantId: "tenant2", userId: SUB }),
  ]);
});

it("reads the header whatever its case, from headers alone", async () => {
  const event = connectEvent(undefined, { headers: { "sec-websocket-protocol": `${APP_PROTOCOL},${idp.idToken({ sub: SUB })}` }, multiValueHeaders: null });
  expect((await handler(event)).policyDocument.Statement[0].Effect).toBe("Allow");
});

const now = () => Math.floor(Date.now() / 1000);

it.each<[string, () => WebSocketAuthorizerEvent, string]>([
  ["no Sec-WebSocket-Protocol header", () => connectEvent(), "missing_token"],
  ["the app protocol without a token", () => connectEvent(APP_PROTOCOL), "missing_token"],
  ["a wrong app protocol", () => connectEvent(`chat.v9, ${idp.idToken()}`), "wrong_protocol"],
  ["a garbled token", () => withToken("garbage"), "malformed_token"],
  ["a bad signature (another key)", () => withToken(idp.idToken({}, { key: foreignKey })), "bad_signature"],
  ["alg: none", () => withToken(idp.idToken({}, { header: { alg: "none" }, signature: "none" })), "bad_algorithm"],
  ["a wrong issuer", () => withToken(idp.idToken({ iss: "http://127.0.0.1:1/local_other" })), "wrong_issuer"],
  ["a wrong audience", () => withToken(idp.idToken({ aud: "other-client" })), "wrong_audience"],
  ["an access token", () => withToken(idp.accessToken()), "wrong_token_use"],
  ["an expired token", () => withToken(idp.idToken({ iat: now() - 4000, exp: now() - 400 })), "expired"],
  ["no custom:tenantId", () => withToken(idp.idToken({ "custom:tenantId": undefined })), "missing_tenant"],
  ["tenantId ../x", () => withToken(idp.idToken({ "custom:tenantId": "../x" })), "bad_tenant"],
  ["tenantId TENANT1", () => withToken(idp.idToken({ "custom:tenantId": "TENANT1" })), "bad_tenant"],
  ["a tenant that is not configured", () => withToken(idp.idToken({ "custom:tenantId": "tenant9" })), "unknown_tenant"],
  ["a sub that is not a Cognito sub", () => withToken(idp.idToken({ sub: "admin" })), "bad_subject"],
  [
    "a token in the query string (and none in the header)",
    () => connectEvent(APP_PROTOCOL, { queryStringParameters: { token: idp.idToken() }, multiValueQueryStringParameters: { token: [idp.idToken()] } }),
    "token_in_url",
  ],
  [
    "a token in the query string next to a valid header",
    () => withToken(idp.idToken(), { queryStringParameters: { access_token: idp.idToken() } }),
    "token_in_url",
  ],
  ["a missing methodArn", () => withToken(idp.idToken(), { methodArn: undefined }), "bad_request"],
])("denies %s and logs only the code", async (_label, makeEvent, code) => {
  const event = makeEvent();
  const policy = await handler(event);
  expectDenied(policy, code);
  const tokens = [...JSON.stringify(event).matchAll(/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g)].map((m) => m[0]);
  for (const token of tokens) {
    expect(output.text()).not.toContain(token);
    expect(output.text()).not.toContain(token.split(".")[1]);
  }
});

it("survives events that are not shaped like API Gateway's at all", async () => {
  for (const event of [{}, { headers: null }, { headers: { "Sec-WebSocket-Protocol": 42 } }, null] as unknown as WebSocketAuthorizerEvent[]) {
    const policy = await handler(event);
    expect(policy.policyDocument.Statement[0].Effect).toBe("Deny");
  }
});

it("never logs the token or the event on the allowed path either", async () => {
  const token = idp.idToken({ sub: SUB });
  await handler(withToken(token));
  const text = output.text();
  expect(text).not.toContain(token);
  for (const part of token.split(".")) expect(text).not.toContain(part);
  expect(text).not.toContain("Sec-WebSocket-Protocol");
});

describe("extractToken", () => {
  const PROTOCOL = "mta.v1";
  const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

  const codeOf = rejectionCode;

  describe("extractToken", () => {
    it("returns the token after the app protocol", () => {
      expect(extractToken({ "Sec-WebSocket-Protocol": `${PROTOCOL}, ${TOKEN}` }, PROTOCOL)).toBe(TOKEN);
    });

    it.each([
      ["lower-case name", { "sec-websocket-protocol": `${PROTOCOL}, ${TOKEN}` }],
      ["upper-case name", { "SEC-WEBSOCKET-PROTOCOL": `${PROTOCOL},${TOKEN}` }],
      ["extra whitespace", { "Sec-WebSocket-Protocol": `  ${PROTOCOL} ,\t${TOKEN}  ` }],
    ])("tolerates %s", (_label, headers) => {
      expect(extractToken(headers, PROTOCOL)).toBe(TOKEN);
    });

    it("reads repeated header lines from multiValueHeaders", () => {
      expect(extractToken({}, PROTOCOL, { "Sec-WebSocket-Protocol": [PROTOCOL, TOKEN] })).toBe(TOKEN);
      expect(extractToken(null, PROTOCOL, { "sec-websocket-protocol": [`${PROTOCOL}, ${TOKEN}`] })).toBe(TOKEN);
    });

    it("judges all repeated header lines together", () => {
      const multi = { "Sec-WebSocket-Protocol": [PROTOCOL, TOKEN, "extra"] };
      expect(codeOf(() => extractToken({ "Sec-WebSocket-Protocol": `${PROTOCOL}, ${TOKEN}` }, PROTOCOL, multi))).toBe("malformed_header");
    });

    it.each([
      ["no headers at all", undefined, "missing_token"],
      ["no subprotocol header", { Host: "x" }, "missing_token"],
      ["an empty header", { "Sec-WebSocket-Protocol": "  " }, "missing_token"],
      ["the app protocol alone", { "Sec-WebSocket-Protocol": PROTOCOL }, "missing_token"],
      ["the token alone", { "Sec-WebSocket-Protocol": TOKEN }, "wrong_protocol"],
      ["another app protocol", { "Sec-WebSocket-Protocol": `mta.v2, ${TOKEN}` }, "wrong_protocol"],
      ["the token first", { "Sec-WebSocket-Protocol": `${TOKEN}, ${PROTOCOL}` }, "wrong_protocol"],
      ["three entries", { "Sec-WebSocket-Protocol": `${PROTOCOL}, ${TOKEN}, extra` }, "malformed_header"],
      ["a garbled token", { "Sec-WebSocket-Protocol": `${PROTOCOL}, not-a-jwt` }, "malformed_token"],
      ["a token with a bad character", { "Sec-WebSocket-Protocol": `${PROTOCOL}, ${TOKEN}$` }, "malformed_token"],
      ["an oversized header", { "Sec-WebSocket-Protocol": `${PROTOCOL}, ${"a".repeat(20_000)}.b.c` }, "malformed_header"],
    ])("rejects %s", (_label, headers, code) => {
      expect(codeOf(() => extractToken(headers as Record<string, string> | undefined, PROTOCOL))).toBe(code);
    });

    it("never puts the token in the error message", () => {
      try {
        extractToken({ "Sec-WebSocket-Protocol": `other, ${TOKEN}` }, PROTOCOL);
        throw new Error("expected a rejection");
      } catch (error) {
        expect((error as Error).message).not.toContain(TOKEN);
      }
    });
  });

  describe("rejectTokenInQuery", () => {
    it("accepts a URL without a token", () => {
      expect(() => rejectTokenInQuery(null)).not.toThrow();
      expect(() => rejectTokenInQuery({ lang: "en" }, { lang: ["en"] })).not.toThrow();
    });

    it.each([
      ["?token=", { token: TOKEN }],
      ["?id_token=", { id_token: "x" }],
      ["?Authorization=", { Authorization: "Bearer x" }],
      ["a JWT under any name", { q: TOKEN }],
    ])("rejects %s", (_label, query) => {
      expect(codeOf(() => rejectTokenInQuery(query))).toBe("token_in_url");
    });

    it("rejects a JWT among repeated query values", () => {
      expect(codeOf(() => rejectTokenInQuery({}, { q: ["a", TOKEN] }))).toBe("token_in_url");
    });
  });
});

describe("claims", () => {
  const ALLOWED = new Set(["tenant1", "tenant2"]);
  const SUB = "0f8fad5b-d9cb-469f-a165-70867728950e";

  const codeOf = rejectionCode;

  describe("tenantFromClaims", () => {
    it("returns a configured, well-formed tenant", () => {
      expect(tenantFromClaims({ "custom:tenantId": "tenant2" }, ALLOWED)).toBe("tenant2");
    });

    it.each([
      ["missing", {}, "missing_tenant"],
      ["empty", { "custom:tenantId": "" }, "missing_tenant"],
      ["null", { "custom:tenantId": null }, "missing_tenant"],
      ["a path", { "custom:tenantId": "../x" }, "bad_tenant"],
      ["upper case", { "custom:tenantId": "TENANT1" }, "bad_tenant"],
      ["a prefix trick", { "custom:tenantId": "tenant1/orders" }, "bad_tenant"],
      ["a number", { "custom:tenantId": 1 }, "bad_tenant"],
      ["an array", { "custom:tenantId": ["tenant1"] }, "bad_tenant"],
      ["too long", { "custom:tenantId": "t".repeat(40) }, "bad_tenant"],
      ["not configured", { "custom:tenantId": "tenant3" }, "unknown_tenant"],
      ["a configured id with a suffix", { "custom:tenantId": "tenant1-x" }, "unknown_tenant"],
    ])("rejects a tenant that is %s", (_label, claims, code) => {
      expect(codeOf(() => tenantFromClaims(claims, ALLOWED))).toBe(code);
    });

    it("ignores a plain `tenantId` claim: only the Cognito custom attribute counts", () => {
      expect(codeOf(() => tenantFromClaims({ tenantId: "tenant1" }, ALLOWED))).toBe("missing_tenant");
    });
  });

  describe("subFromClaims / expiryFromClaims", () => {
    it("accepts a UUID sub and an integer exp", () => {
      expect(subFromClaims({ sub: SUB })).toBe(SUB);
      expect(expiryFromClaims({ exp: 1_900_000_000 })).toBe(1_900_000_000);
    });

    it.each([[undefined], [""], ["tenant1-user1"], [`${SUB}x`], [42]])("rejects sub %p", (sub) => {
      expect(codeOf(() => subFromClaims({ sub }))).toBe("bad_subject");
    });

    it.each([[undefined], ["1900000000"], [1.5], [0], [-1]])("rejects exp %p", (exp) => {
      expect(codeOf(() => expiryFromClaims({ exp }))).toBe("missing_expiry");
    });
  });

  describe("identityFromClaims", () => {
    it("carries sub, tenant, exp and iat, nothing else", () => {
      const identity = identityFromClaims({ sub: SUB, "custom:tenantId": "tenant1", exp: 1_900_000_000, iat: 1_899_999_000, email: "a@b.c" }, ALLOWED);
      expect(identity).toEqual({ userId: SUB, tenantId: "tenant1", tokenExpiresAt: 1_900_000_000, tokenIssuedAt: 1_899_999_000 });
    });

    it.each([[undefined], ["1899999000"], [1.5], [0]])("refuses iat %p: the token cannot be compared with an offboarding record (I17)", (iat) => {
      expect(codeOf(() => identityFromClaims({ sub: SUB, "custom:tenantId": "tenant1", exp: 1_900_000_000, iat }, ALLOWED))).toBe("missing_issued_at");
    });
  });
});

describe("policy", () => {
  const ARN = "arn:aws:execute-api:eu-west-1:123456789012:abcdef123/dev/$connect";
  const IDENTITY = { userId: "0f8fad5b-d9cb-469f-a165-70867728950e", tenantId: "tenant1", tokenExpiresAt: 1_900_000_000 };

  describe("allowPolicy", () => {
    it("allows exactly the methodArn and carries the identity as primitive context values", () => {
      const policy = allowPolicy(ARN, IDENTITY);
      expect(policy).toEqual({
        principalId: IDENTITY.userId,
        policyDocument: {
          Version: "2012-10-17",
          Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: ARN }],
        },
        context: { userId: IDENTITY.userId, tenantId: "tenant1", tokenExpiresAt: 1_900_000_000 },
      });
      // API Gateway accepts only string/number/boolean context values.
      for (const value of Object.values(policy.context ?? {})) expect(["string", "number", "boolean"]).toContain(typeof value);
    });

    it("refuses (throws, so the handler denies) rather than allow with a context the chat function would refuse", () => {
      expect(() => allowPolicy(ARN, { ...IDENTITY, tenantId: "tenant1/../tenant2" })).toThrow(TypeError);
      expect(() => allowPolicy(ARN, { ...IDENTITY, userId: "admin" })).toThrow(TypeError);
    });
  });

  describe("denyPolicy", () => {
    it("denies and carries no identity", () => {
      const policy = denyPolicy(ARN);
      expect(policy.policyDocument.Statement[0]).toEqual({ Action: "execute-api:Invoke", Effect: "Deny", Resource: ARN });
      expect(policy.context).toBeUndefined();
    });

    it("denies everything when the methodArn is unknown", () => {
      expect(denyPolicy(undefined).policyDocument.Statement[0].Resource).toBe("*");
    });
  });

  describe("methodArnOf", () => {
    it("returns a well-formed WebSocket methodArn", () => {
      expect(methodArnOf({ methodArn: ARN })).toBe(ARN);
    });

    it.each([[undefined], [""], [42], ["*"], ["arn:aws:execute-api:eu-west-1:123456789012:*"], ["arn:aws:s3:::bucket"]])(
      "rejects %p",
      (methodArn) => {
        expect(() => methodArnOf({ methodArn })).toThrow(AuthorizationError);
      },
    );
  });
});
