/**
 * lambdas/common/scoped-dynamodb.ts: one client, every request signed with the credentials
 * of the session it was sent for, never with the function's own role from the environment
 * and never with another (earlier or concurrent) session's keys (I3, I4). The requests are
 * captured at the SDK's HTTP handler, after signing, and each signature is recomputed with
 * the secret it should have been made with.
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { HttpRequest, HttpResponse } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { ScopedDynamoDb, UnscopedRequestError } from "../../../../lambdas/common/scoped-dynamodb";
import type { ScopedCredentials } from "../../../../lambdas/common/scoped-credentials";

const REGION = "eu-west-1";
const TABLE = "mta-dev-tenants";
const ROLE = { AWS_ACCESS_KEY_ID: "ASIAROLEKEY000000001", AWS_SECRET_ACCESS_KEY: "role-secret", AWS_SESSION_TOKEN: "role-token" };

function session(n: number): ScopedCredentials {
  return {
    accessKeyId: `ASIASCOPEDKEY000000${n}`,
    secretAccessKey: `scoped-secret-${n}`,
    sessionToken: `scoped-token-${n}`,
    expiration: new Date(Date.now() + 15 * 60_000),
  };
}

/** The request as it left the SDK, and the tenant it asked for (from its body). */
interface Sent {
  request: HttpRequest;
  tenantId: string;
}

/**
 * A request handler that answers every GetItem with the item asked for, after `hold`
 * (so that sends can be made to overlap).
 */
function capturingHandler(hold: () => Promise<void> = async () => {}) {
  const sent: Sent[] = [];
  const handler = {
    async handle(request: HttpRequest) {
      const raw = request.body as string | Uint8Array;
      const body = JSON.parse(typeof raw === "string" ? raw : new TextDecoder().decode(raw)) as { Key: { tenantId: { S: string } } };
      sent.push({ request, tenantId: body.Key.tenantId.S });
      await hold();
      const item = JSON.stringify({ Item: body.Key });
      return {
        response: new HttpResponse({
          statusCode: 200,
          headers: { "content-type": "application/x-amz-json-1.0" },
          body: Buffer.from(item),
        }),
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
  return { sent, handler };
}

/** The access key id the request was signed for. */
function signedKeyId(request: HttpRequest): string | undefined {
  return /Credential=([^/]+)\//.exec(request.headers.authorization ?? "")?.[1];
}

/** Re-signs the request with `credentials`' secret: equal only if it was signed with that secret. */
async function signatureMatches(request: HttpRequest, credentials: ScopedCredentials): Promise<boolean> {
  const amzDate = request.headers["x-amz-date"];
  const signingDate = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
  const unsigned = HttpRequest.clone(request);
  delete unsigned.headers.authorization;
  const signer = new SignatureV4({ credentials, region: REGION, service: "dynamodb", sha256: Sha256 });
  const resigned = await signer.sign(unsigned, { signingDate });
  return resigned.headers.authorization === request.headers.authorization;
}

async function expectSignedWith(sent: Sent, credentials: ScopedCredentials): Promise<void> {
  expect(signedKeyId(sent.request)).toBe(credentials.accessKeyId);
  expect(sent.request.headers["x-amz-security-token"]).toBe(credentials.sessionToken);
  expect(await signatureMatches(sent.request, credentials)).toBe(true);
}

const get = (tenantId: string) => new GetCommand({ TableName: TABLE, Key: { tenantId } });

describe("ScopedDynamoDb", () => {
  const saved = { ...process.env };
  beforeEach(() => Object.assign(process.env, ROLE));
  afterEach(() => {
    process.env = { ...saved };
  });

  it("signs a request with the session's keys, not the role's in the environment", async () => {
    const { sent, handler } = capturingHandler();
    const db = new ScopedDynamoDb(REGION, { requestHandler: handler });
    const result = await db.as(session(1)).send(get("tenant1"));
    expect(result.Item).toEqual({ tenantId: "tenant1" });
    expect(sent).toHaveLength(1);
    await expectSignedWith(sent[0], session(1));
    expect(signedKeyId(sent[0].request)).not.toBe(ROLE.AWS_ACCESS_KEY_ID);
    expect(sent[0].request.headers["x-amz-security-token"]).not.toBe(ROLE.AWS_SESSION_TOKEN);
    db.destroy();
  });

  it("signs the next session's request with the next session's keys, not the previous one's", async () => {
    const { sent, handler } = capturingHandler();
    const db = new ScopedDynamoDb(REGION, { requestHandler: handler });
    await db.as(session(1)).send(get("tenant1"));
    await db.as(session(2)).send(get("tenant2"));
    await db.as(session(1)).send(get("tenant1"));
    expect(sent.map((s) => signedKeyId(s.request))).toEqual([session(1), session(2), session(1)].map((c) => c.accessKeyId));
    await expectSignedWith(sent[1], session(2));
    db.destroy();
  });

  it("keeps two sessions' overlapping requests apart: each is signed with its own session's keys", async () => {
    // Every request waits until all four have been signed and sent: they overlap fully.
    let release!: () => void;
    const allSent = new Promise<void>((resolve) => (release = resolve));
    const { sent, handler } = capturingHandler(() => {
      if (sent.length === 4) release();
      return allSent;
    });
    const db = new ScopedDynamoDb(REGION, { requestHandler: handler });
    const [a, b] = [db.as(session(1)), db.as(session(2))];
    const results = await Promise.all([a.send(get("tenant1")), b.send(get("tenant2")), b.send(get("tenant2")), a.send(get("tenant1"))]);
    expect(results.map((r) => r.Item?.tenantId)).toEqual(["tenant1", "tenant2", "tenant2", "tenant1"]);
    for (const s of sent) await expectSignedWith(s, s.tenantId === "tenant1" ? session(1) : session(2));
    db.destroy();
  });

  it("refuses a request sent without session credentials, before anything is sent (never the role's keys)", async () => {
    const { sent, handler } = capturingHandler();
    const db = new ScopedDynamoDb(REGION, { requestHandler: handler });
    // The document client is private: reach it as a careless caller would.
    const documents = (db as unknown as { documents: { send(command: GetCommand): Promise<unknown> } }).documents;
    await expect(documents.send(get("tenant1"))).rejects.toBeInstanceOf(UnscopedRequestError);
    expect(sent).toHaveLength(0);
    // The allowed path still works on the same client.
    await db.as(session(1)).send(get("tenant1"));
    await expectSignedWith(sent[0], session(1));
    db.destroy();
  });

  it("drops undefined attributes when writing, as the tools' items may leave optional fields out", () => {
    const db = new ScopedDynamoDb(REGION);
    const documents = (db as unknown as { documents: { config: { translateConfig?: { marshallOptions?: { removeUndefinedValues?: boolean } } } } }).documents;
    expect(documents.config.translateConfig?.marshallOptions?.removeUndefinedValues).toBe(true);
    db.destroy();
  });
});
