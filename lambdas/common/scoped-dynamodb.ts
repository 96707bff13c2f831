/**
 * A DynamoDB client that signs with one caller's tenant-scoped credentials and nothing
 * else (I3, I4: the functions' own roles read no tenant data). The credentials are a
 * static object, so the SDK never consults the environment or the function's role.
 * Used by the action group's tools and by the chat function's tenant-name read.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { ScopedCredentials } from "./scoped-credentials";

export interface ScopedClient {
  documents: DynamoDBDocumentClient;
  /** Kept to release sockets: DynamoDBDocumentClient.destroy() is a no-op. */
  base: DynamoDBClient;
}

export function createScopedClient(region: string, credentials: ScopedCredentials): ScopedClient {
  const base = new DynamoDBClient({
    region,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      expiration: credentials.expiration,
    },
  });
  return { base, documents: DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } }) };
}
