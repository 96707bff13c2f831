import { Sha256 } from "@aws-crypto/sha256-js";
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  ListUsersCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { createPrivateKey, generateKeyPairSync, verify } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import * as http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stackNames } from "../../../../infra/naming";
import { CognitoGateRefusal } from "../../../../local/cognito/errors";
import { operationOf, parseApiBody, routeOf, startCognitoGate, type CognitoGate } from "../../../../local/cognito/gate";
import { CognitoGatePolicy } from "../../../../local/cognito/gate-policy";
import { userPoolArn } from "../../../../local/cognito/operations";
import { createTokenSigningKey } from "../../../../local/cognito/token-signer";
import { CredentialRegistry } from "../../../../local/iam/credentials";
import { authorizeIam } from "../../../../local/iam/policy-evaluation";
import { close, listen } from "../../../../local/runtime/listen";
import { createLocalIdentities } from "../../../../local/iam/roles";
import { verifySigV4 } from "../../../../local/iam/sigv4-verify";
import { assumeRole } from "../../../../local/sts/sts";
import { signJwt } from "../../../../local/cognito/test-identity-provider";

describe("routeOf: only what the AWS user-pool endpoint serves", () => {
  it.each([
    ["POST", "/", "api"],
    ["POST", "/?x=1", "api"],
    ["OPTIONS", "/", "passthrough"],
    // Served by the gate itself: cognito-local's would publish the key its package ships.
    ["GET", "/local_abc/.well-known/jwks.json", "well_known"],
    ["GET", "/local_abc/.well-known/openid-configuration", "well_known"],
    ["OPTIONS", "/local_abc/.well-known/jwks.json", "passthrough"],
    ["GET", "/health", "passthrough"],
    // cognito-local's OAuth2 routes would issue tokens to users still in FORCE_CHANGE_PASSWORD
    ["POST", "/oauth2/token", "not_found"],
    ["GET", "/oauth2/authorize", "not_found"],
    ["POST", "/oauth2/authorize", "not_found"],
    ["POST", "/x", "not_found"],
    ["GET", "/", "not_found"],
    ["PUT", "/", "not_found"],
    ["GET", "/a/b/.well-known/jwks.json", "not_found"],
    ["GET", "//evil.example/health", "not_found"],
    ["POST", "//evil.example/", "not_found"],
  ])("%s %s → %s", (method, url, kind) => {
    expect(routeOf(method, url)).toBe(kind);
  });
});

describe("operationOf: read X-Amz-Target the way cognito-local does", () => {
  it("takes the text between the first and second dot", () => {
    expect(operationOf("AWSCognitoIdentityProviderService.SignUp")).toBe("SignUp");
    expect(operationOf("Anything.SignUp.Extra")).toBe("SignUp");
    expect(operationOf("NoDot")).toBeUndefined();
    expect(operationOf(undefined)).toBeUndefined();
    expect(operationOf(["a.SignUp", "b.GetUser"])).toBeUndefined();
  });
});

describe("parseApiBody", () => {
  const json = { "content-type": "application/x-amz-json-1.1" };
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      if (error instanceof CognitoGateRefusal) return error.code;
      throw error;
    }
    return "accepted";
  };

  it("accepts a JSON object in the SDK's media type", () => {
    expect(parseApiBody(json, Buffer.from('{"ClientId":"c"}'))).toEqual({ ClientId: "c" });
    expect(parseApiBody({ "content-type": "application/x-amz-json-1.1; charset=utf-8" }, Buffer.from("{}"))).toEqual({});
  });

  it.each([
    ["a form body (cognito-local would parse it differently)", { "content-type": "application/x-www-form-urlencoded" }, "ClientId=c"],
    ["a JSON body under a form media type", { "content-type": "application/x-www-form-urlencoded" }, "{}"],
    ["no media type", {}, "{}"],
    ["a compressed body", { ...json, "content-encoding": "gzip" }, "{}"],
    ["not JSON", json, "{"],
    ["an array", json, "[]"],
    ["null", json, "null"],
  ])("refuses %s", (_label, headers, body) => {
    expect(code(() => parseApiBody(headers, Buffer.from(body)))).toBe("SerializationException");
  });
});

describe("startCognitoGate: operator calls need SigV4 and IAM, as on AWS", () => {
  const ctx = { partition: "aws", region: "us-east-1", accountId: "000000000000" };
  const POOL = "us-east-1_Pool1";
  const OTHER_POOL = "us-east-1_Pool2";
  const registry = new CredentialRegistry();
  const ids = createLocalIdentities(registry, {
    ctx,
    names: stackNames("multi-tenant-assistant", "dev", "us-east-1"),
    apiId: "local",
    stage: "dev",
    agentId: "LOCALAGENT",
    agentAliasId: "LOCALALIAS",
    tenantIds: ["tenant1"],
  });
  /** Allowed AdminGetUser on POOL only: shows the resource is the pool the body names. */
  const poolReader = registry.issueLongTerm({
    principalArn: "arn:aws:iam::000000000000:user/pool-reader",
    policies: [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "cognito-idp:AdminGetUser", Resource: userPoolArn(ctx, POOL) }] }],
    sessionTags: {},
  });
  const received: { target: string; body: Record<string, unknown> }[] = [];
  let upstream: http.Server;
  let gate: CognitoGate;
  const clients: CognitoIdentityProviderClient[] = [];

  const client = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => {
    const c = new CognitoIdentityProviderClient({ region: "us-east-1", endpoint: gate.url, credentials, maxAttempts: 1 });
    clients.push(c);
    return c;
  };
  const failure = async (call: Promise<unknown>) => {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e as { name: string; message: string; $metadata?: { httpStatusCode?: number } },
    );
    if (!error) throw new Error("the call succeeded but must be refused");
    return { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
  };
  const createUser = (poolId = POOL) =>
    new AdminCreateUserCommand({ UserPoolId: poolId, Username: "mallory", TemporaryPassword: "Tmp-Passw0rd!", MessageAction: "SUPPRESS" });
  const post = (target: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(gate.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityProviderService.${target}`, ...headers },
      body: JSON.stringify(body),
    });

  /** A request signed as the SDK would sign it, so a test can alter it afterwards. */
  async function signed(credentials: { accessKeyId: string; secretAccessKey: string }, target: string, body: string) {
    const url = new URL(gate.url);
    const request = new HttpRequest({
      method: "POST",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: "/",
      headers: {
        host: url.host,
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": `AWSCognitoIdentityProviderService.${target}`,
      },
      body,
    });
    const signer = new SignatureV4({ service: "cognito-idp", region: "us-east-1", sha256: Sha256, credentials });
    return (await signer.sign(request)).headers;
  }

  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const target = String(req.headers["x-amz-target"] ?? "");
        received.push({ target, body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown> });
        const answer = target.endsWith(".AdminCreateUser") ? { User: { Username: "mallory", UserStatus: "FORCE_CHANGE_PASSWORD" } } : {};
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1" }).end(JSON.stringify(answer));
      });
    });
    const upstreamPort = await listen(upstream, 0, "fake cognito-local");
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const policy = new CognitoGatePolicy({ issuerDomain: () => gate.url, signingJwk: { ...publicKey.export({ format: "jwk" }), kid: "test" } });
    gate = await startCognitoGate({
      port: 0,
      policy,
      upstream: `http://127.0.0.1:${upstreamPort}`,
      signingKey: createTokenSigningKey(),
      operators: { ctx, authenticate: (request, o) => verifySigV4(request, registry, o), authorize: authorizeIam },
    });
  });
  beforeEach(() => {
    received.length = 0;
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await gate.close();
    await close(upstream);
  });

  it("refuses an unsigned AdminCreateUser as AWS does, without reaching cognito-local", async () => {
    const res = await post("AdminCreateUser", { UserPoolId: POOL, Username: "mallory" });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");
    expect(await res.json()).toEqual({ __type: "MissingAuthenticationTokenException", message: "Request is missing Authentication Token" });
    expect(received).toEqual([]);
  });

  it("refuses unknown and case-variant operations unsigned too (default deny)", async () => {
    for (const target of ["adminCreateUser", "MadeUpOperation", "AdminCreateUser, X.InitiateAuth"]) {
      const res = await post(target, { UserPoolId: POOL, Username: "mallory" });
      expect(res.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");
    }
    expect(received).toEqual([]);
  });

  it("refuses unknown keys and a wrong secret with the SDK's own exceptions", async () => {
    expect(await failure(client({ accessKeyId: "none", secretAccessKey: "none" }).send(createUser()))).toEqual({
      name: "UnrecognizedClientException",
      message: "The security token included in the request is invalid.",
      status: 400,
    });
    const wrongSecret = await failure(client({ accessKeyId: ids.admin.accessKeyId, secretAccessKey: "not-the-secret" }).send(createUser()));
    expect(wrongSecret).toMatchObject({ name: "InvalidSignatureException", status: 400 });
    expect(wrongSecret.message).not.toContain(ids.admin.secretAccessKey);
    expect(received).toEqual([]);
  });

  it("refuses a signed operator call whose body was changed after signing (another pool)", async () => {
    const body = JSON.stringify({ UserPoolId: POOL, Username: "u" });
    const headers = await signed(ids.admin, "AdminGetUser", body);
    const ok = await fetch(gate.url, { method: "POST", headers, body });
    expect(ok.status).toBe(200);
    const tampered = await fetch(gate.url, { method: "POST", headers, body: body.replace(POOL, OTHER_POOL) });
    expect(tampered.headers.get("x-amzn-errortype")).toBe("InvalidSignatureException");
    expect(received.map((r) => r.body.UserPoolId)).toEqual([POOL]);
  });

  it("refuses a signature scoped to another service", async () => {
    const body = JSON.stringify({ UserPoolId: POOL, Username: "u" });
    const headers = await signed(ids.admin, "AdminGetUser", body);
    headers.authorization = headers.authorization.replace("/cognito-idp/", "/dynamodb/");
    const res = await fetch(gate.url, { method: "POST", headers, body });
    expect(res.headers.get("x-amzn-errortype")).toBe("InvalidSignatureException");
    expect(received).toEqual([]);
  });

  it("denies AdminCreateUser signed by the action-group role with AWS's AccessDeniedException", async () => {
    const denied = await failure(client(ids.functionCredentials["action-group"]).send(createUser()));
    expect(denied.name).toBe("AccessDeniedException");
    expect(denied.status).toBe(400);
    expect(denied.message).toMatch(
      new RegExp(
        `^User: arn:aws:sts::000000000000:assumed-role/[^ ]+ is not authorized to perform: cognito-idp:AdminCreateUser on resource: arn:aws:cognito-idp:us-east-1:000000000000:userpool/${POOL}`,
      ),
    );
    expect(received).toEqual([]);
  });

  it("denies every function role and the tenant-access role any Admin* or management call", async () => {
    const session = await assumeRole(
      ids.functionCredentials.chat,
      { roleArn: ids.tenantAccessRole.arn, roleSessionName: "user-0f0e0d0c-1111-2222-3333-444455556666", durationSeconds: 900, tags: { tenantId: "tenant1", userId: "0f0e0d0c-1111-2222-3333-444455556666" } },
      { ctx, registry, roles: ids.roles },
    );
    const principals = [ids.functionCredentials.authorizer, ids.functionCredentials.chat, ids.functionCredentials["action-group"], session];
    const calls = [
      createUser(),
      new AdminGetUserCommand({ UserPoolId: POOL, Username: "u" }),
      new AdminSetUserPasswordCommand({ UserPoolId: POOL, Username: "u", Password: "N3w-Passw0rd!", Permanent: true }),
      new ListUsersCommand({ UserPoolId: POOL }),
      new CreateUserPoolCommand({ PoolName: "p" }),
    ];
    for (const principal of principals) {
      const c = client(principal);
      for (const call of calls) {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        expect((await failure(c.send(call as any))).name).toBe("AccessDeniedException");
      }
    }
    expect(received).toEqual([]);
  });

  it("lets the operator (admin) through for the pool and for CreateUserPool", async () => {
    const admin = client(ids.admin);
    const created = await admin.send(createUser());
    expect(created.User?.Username).toBe("mallory");
    await admin.send(new CreateUserPoolCommand({ PoolName: "p" }));
    expect(received.map((r) => r.target.split(".")[1])).toEqual(["AdminCreateUser", "CreateUserPool"]);
  });

  it("evaluates IAM on the pool the body names: a grant on one pool does not reach another", async () => {
    const reader = client(poolReader);
    await reader.send(new AdminGetUserCommand({ UserPoolId: POOL, Username: "u" }));
    const other = await failure(reader.send(new AdminGetUserCommand({ UserPoolId: OTHER_POOL, Username: "u" })));
    expect(other.name).toBe("AccessDeniedException");
    expect(other.message).toContain(`on resource: ${userPoolArn(ctx, OTHER_POOL)}`);
    expect((await failure(reader.send(new CreateUserPoolCommand({ PoolName: "p" })))).message).toContain("on resource: *");
    expect((await failure(reader.send(createUser()))).name).toBe("AccessDeniedException");
    expect(received.map((r) => r.body.UserPoolId)).toEqual([POOL]);
  });

  it("refuses a pool id that would widen the resource, even for the operator", async () => {
    const refused = await failure(client(ids.admin).send(new AdminGetUserCommand({ UserPoolId: "us-east-1_*", Username: "u" })));
    expect(refused.name).toBe("InvalidParameterException");
    expect(received).toEqual([]);
  });

  it("lets public calls through unsigned: InitiateAuth from the SDK and from a bare fetch", async () => {
    // The SDK never signs InitiateAuth (noAuth), even when it holds unknown keys.
    await client({ accessKeyId: "none", secretAccessKey: "none" }).send(
      new InitiateAuthCommand({ ClientId: "client", AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "u", PASSWORD: "p" } }),
    );
    const res = await post("InitiateAuth", { ClientId: "client", AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "u", PASSWORD: "p" } });
    expect(res.status).toBe(200);
    expect(received.map((r) => r.target.split(".")[1])).toEqual(["InitiateAuth", "InitiateAuth"]);
  });
});

describe("startCognitoGate: the tokens clients get are signed with the gate's per-start key", () => {
  const ctx = { partition: "aws", region: "us-east-1", accountId: "000000000000" };
  const POOL = "us-east-1_Keys1";
  const CLIENT = "client-k";
  const signingKey = createTokenSigningKey();
  // cognito-local signs with the key its package ships: anyone can read it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const shippedPem = (require("cognito-local/lib/keys/cognitoLocal.private.json") as { pem: string }).pem;
  const shipped = { kid: "CognitoLocal", privateKey: createPrivateKey(shippedPem), publicJwk: { kty: "RSA", n: "", e: "", kid: "CognitoLocal", alg: "RS256", use: "sig" } as const };
  let socketDir: string;
  let upstream: http.Server;
  let gate: CognitoGate;
  let issued: { IdToken: string; AccessToken: string; RefreshToken: string };

  const post = (target: string, body: unknown) =>
    fetch(gate.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityProviderService.${target}` },
      body: JSON.stringify(body),
    });
  const segments = (token: string) => token.split(".") as [string, string, string];
  const headerOf = (token: string) => JSON.parse(Buffer.from(segments(token)[0], "base64url").toString("utf8")) as Record<string, unknown>;
  const signedBy = (token: string, key: typeof signingKey) => {
    const [h, p, sig] = segments(token);
    return verify("RSA-SHA256", Buffer.from(`${h}.${p}`), key.publicKey, Buffer.from(sig, "base64url"));
  };

  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const target = String(req.headers["x-amz-target"] ?? "");
        const answer = target.endsWith(".InitiateAuth") ? { AuthenticationResult: { ...issued, ExpiresIn: 3600, TokenType: "Bearer" }, ChallengeParameters: {} } : {};
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1" }).end(JSON.stringify(answer));
      });
    });
    // A Unix socket in an owner-only directory, as the stack runs cognito-local.
    socketDir = mkdtempSync(join(tmpdir(), "mta-gate-"));
    const socketPath = join(socketDir, "upstream.sock");
    await new Promise<void>((resolve) => upstream.listen(socketPath, resolve));
    const policy = new CognitoGatePolicy({ issuerDomain: () => gate.url, signingJwk: signingKey.publicJwk });
    const learn = (operation: string, body: Record<string, unknown>, response: unknown) => {
      const decision = policy.before(operation, body);
      if (decision.kind !== "forward") throw new Error("refused");
      policy.after(decision.pending, 200, response);
    };
    learn("CreateUserPool", { PoolName: "p" }, { UserPool: { Id: POOL } });
    learn("CreateUserPoolClient", { UserPoolId: POOL }, { UserPoolClient: { ClientId: CLIENT, UserPoolId: POOL } });
    gate = await startCognitoGate({
      port: 0,
      policy,
      signingKey,
      upstream: { socketPath },
      operators: { ctx, authenticate: async () => Promise.reject(new Error("unused")), authorize: async () => undefined },
    });
    const now = Math.floor(Date.now() / 1000);
    const iss = `${gate.url}/${POOL}`;
    issued = {
      IdToken: signJwt({ iss, sub: "s-1", token_use: "id", aud: CLIENT, "custom:tenantId": "t1", exp: now + 3600 }, shipped),
      AccessToken: signJwt({ iss, sub: "s-1", token_use: "access", client_id: CLIENT, username: "u", exp: now + 3600 }, shipped),
      RefreshToken: signJwt({ "cognito:username": "u", iat: now }, shipped),
    };
  });
  afterAll(async () => {
    await gate.close();
    await close(upstream);
    rmSync(socketDir, { recursive: true, force: true });
  });

  it("re-signs the ID and access tokens of an AuthenticationResult (claims unchanged); the refresh token stays as issued", async () => {
    const res = await post("InitiateAuth", { ClientId: CLIENT, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "u", PASSWORD: "p" } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { AuthenticationResult: typeof issued & { ExpiresIn: number } };
    const result = body.AuthenticationResult;
    for (const name of ["IdToken", "AccessToken"] as const) {
      expect({ name, kid: headerOf(result[name]).kid, alg: headerOf(result[name]).alg }).toEqual({ name, kid: signingKey.kid, alg: "RS256" });
      expect(signedBy(result[name], signingKey)).toBe(true);
      expect(segments(result[name])[1]).toBe(segments(issued[name])[1]);
      expect(result[name]).not.toBe(issued[name]);
    }
    expect(result.RefreshToken).toBe(issued.RefreshToken);
    expect(result.ExpiresIn).toBe(3600);
  });

  it("serves the pool's JWKS and OpenID configuration itself: only the per-start key, never cognito-local's", async () => {
    const jwks = (await (await fetch(`${gate.url}/${POOL}/.well-known/jwks.json`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toEqual([signingKey.publicJwk]);
    expect(jwks.keys.map((k) => k.kid)).not.toContain("CognitoLocal");
    const config = (await (await fetch(`${gate.url}/${POOL}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(config).toMatchObject({ issuer: `${gate.url}/${POOL}`, jwks_uri: `${gate.url}/${POOL}/.well-known/jwks.json` });
    const unknown = await fetch(`${gate.url}/us-east-1_Nope/.well-known/jwks.json`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("x-amzn-errortype")).toBe("ResourceNotFoundException");
  });

  it("refuses an access token signed with cognito-local's shipped key; the re-signed one passes", async () => {
    const forged = await post("GetUser", { AccessToken: issued.AccessToken });
    expect(forged.headers.get("x-amzn-errortype")).toBe("NotAuthorizedException");
    const signIn = (await (await post("InitiateAuth", { ClientId: CLIENT, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "u", PASSWORD: "p" } })).json()) as {
      AuthenticationResult: typeof issued;
    };
    const genuine = await post("GetUser", { AccessToken: signIn.AuthenticationResult.AccessToken });
    expect(genuine.status).toBe(200);
  });
});
