/**
 * ONE DynamoDB client per execution environment for tenant data, every request signed with
 * the tenant-scoped credentials of the session it is sent for, and with nothing else (I3,
 * I4: the functions' own roles read no tenant data). Used by the action group's tools and
 * by the chat function's tenant-name read.
 *
 * Why not a client per session: each client costs about 1.7 ms of CPU to build and keeps
 * sockets of its own (docs/performance.md §Throughput); one client keeps one socket pool
 * for every user. A socket carries no identity: SigV4 signs each request.
 *
 * How: the SDK (v3, checked 2026-12-02) has no per-command credentials, and its SigV4 signer
 * signs with the client's credentials provider whatever identity a middleware selects. So
 * the client's provider is this module's: it returns the credentials bound to the current
 * asynchronous context by `as(credentials).send(command)` (AsyncLocalStorage.run around the
 * SDK's send: every step of that send, the identity resolution and the signing included,
 * runs in that context and in no other). Two sends for two sessions that overlap (Lambda
 * runs one invocation per environment at a time, but nothing here relies on it) each see
 * their own binding; a send made outside any binding is refused before a request is built
 * (`UnscopedRequestError`), never signed with the environment's role credentials. The
 * provider is marked `memoized` so that the SDK does not wrap it in its own cache, which
 * would keep the FIRST session's credentials for every later request.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { ScopedCredentials } from "./scoped-credentials";

/** Only `send`: the tools and the tenant-name read need nothing else of the document client. */
export type ScopedDocuments = Pick<DynamoDBDocumentClient, "send">;

/** A DynamoDB request sent without session credentials: a bug, refused before it is signed. */
export class UnscopedRequestError extends Error {
  override readonly name = "UnscopedRequestError";
  readonly code = "unscoped_request";

  constructor() {
    super("A tenant-data request was sent without session credentials; it is never signed with the function's role (I4).");
  }
}

interface SessionIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

type IdentityProvider = (() => Promise<SessionIdentity>) & { memoized: true };

/** Test seam: how requests leave (the SDK's default keep-alive handler otherwise). */
export type ScopedDynamoDbOptions = Pick<DynamoDBClientConfig, "requestHandler">;

export class ScopedDynamoDb {
  private readonly binding = new AsyncLocalStorage<SessionIdentity>();
  private readonly base: DynamoDBClient;
  private readonly documents: DynamoDBDocumentClient;

  constructor(region: string, options: ScopedDynamoDbOptions = {}) {
    const credentials: IdentityProvider = Object.assign(
      async () => {
        const identity = this.binding.getStore();
        if (!identity) throw new UnscopedRequestError();
        return identity;
      },
      { memoized: true as const },
    );
    // No `cacheMiddleware`: lib-dynamodb refuses it, and a cached handler would share one
    // request context between concurrent sends.
    this.base = new DynamoDBClient({ region, credentials, ...options });
    this.documents = DynamoDBDocumentClient.from(this.base, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** A sender whose every request is signed with exactly these credentials. */
  as(credentials: ScopedCredentials): ScopedDocuments {
    // A copy: the SDK may annotate the identity object it is given.
    const identity: SessionIdentity = {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      expiration: credentials.expiration,
    };
    const { binding, documents } = this;
    const send = ((...args: unknown[]) =>
      binding.run(identity, () => Reflect.apply(documents.send, documents, args))) as DynamoDBDocumentClient["send"];
    return { send };
  }

  /** Releases the client's sockets. */
  destroy(): void {
    this.base.destroy();
  }
}
