/**
 * What only client frames use: the Lambda client for the ask route's hand-off to the answer
 * step, and the ID-token verifier of `renew` frames (I2). Its own module so `$connect`
 * never loads them (dependencies.ts).
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import type { ChatConfig } from "./config";
import type { ChatDependencies } from "./dependencies";
import { createIdTokenCheck } from "./renew-route";

export function createAskClients(config: ChatConfig): Pick<ChatDependencies, "lambda" | "idTokens"> {
  return { lambda: new LambdaClient({ region: config.region }), idTokens: createIdTokenCheck(config) };
}
