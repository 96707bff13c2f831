/**
 * What only client frames use: the Lambda client for the ask route's hand-off to the answer
 * step, the ID-token verifier of `renew` frames (I2), and the tenant name reader of `hello`. Its own module so `$connect`
 * never loads them (dependencies.ts).
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import { STSClient } from "@aws-sdk/client-sts";
import { ScopedCredentialsProvider } from "../common/scoped-credentials";
import type { ChatConfig } from "./config";
import { type ChatDependencies, SDK_CLIENT_SPEED } from "./dependencies";
import { createIdTokenCheck } from "./renew-route";
import { TenantNameReader } from "./tenant-names";

export function createAskClients(config: ChatConfig): Pick<ChatDependencies, "lambda" | "idTokens" | "tenantNames"> {
  // `hello` reads the caller's tenant display name with the caller's scoped credentials (I3).
  const credentials = new ScopedCredentialsProvider(new STSClient({ region: config.region }), { roleArn: config.tenantAccessRoleArn });
  return {
    // One hand-off per ask: the resolved middleware kept per command class (dependencies.ts, SDK_CLIENT_SPEED).
    lambda: new LambdaClient({ region: config.region, ...SDK_CLIENT_SPEED }),
    idTokens: createIdTokenCheck(config),
    tenantNames: new TenantNameReader({ region: config.region, tenantsTableName: config.tenantsTableName, credentials }),
  };
}
