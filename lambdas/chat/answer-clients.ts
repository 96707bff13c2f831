/**
 * The answer step's own clients: the Bedrock agent runtime and STS (the scoped
 * credentials, cached per user). Its own module so the routes never load them
 * (dependencies.ts).
 */
import { BedrockAgentRuntimeClient } from "@aws-sdk/client-bedrock-agent-runtime";
import { STSClient } from "@aws-sdk/client-sts";
import { ScopedCredentialsProvider } from "../common/scoped-credentials";
import { AgentRequestHandler } from "./agent-request-handler";
import type { ChatConfig } from "./config";
import type { ChatDependencies } from "./dependencies";

export function createAnswerClients(config: ChatConfig): Pick<ChatDependencies, "agent" | "credentials"> {
  const region = config.region;
  return {
    // One retry policy, ours (answer.ts), which knows whether text was already streamed;
    // the SDK's own retries would multiply with it, and its standard strategy also retries
    // failures after which the agent may have run (a request with no response, a reset
    // connection, a 5xx). One kept connection per environment, whose handler sends a
    // request again only when the agent certainly never saw it (agent-request-handler.ts).
    agent: new BedrockAgentRuntimeClient({ region, maxAttempts: 1, requestHandler: new AgentRequestHandler() }),
    credentials: new ScopedCredentialsProvider(new STSClient({ region }), { roleArn: config.tenantAccessRoleArn }),
  };
}
