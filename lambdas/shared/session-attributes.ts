/**
 * What the chat function's answer step hands to the Bedrock agent as sessionAttributes,
 * and the only place the action-group function takes identity from. Bedrock passes
 * sessionAttributes to the action group untouched and never shows them to the model.
 */
import * as z from "zod";
import { ANSWER_ID_PATTERN, SUB_PATTERN, TENANT_ID_PATTERN } from "./identifiers";

export const SessionAttributes = z.object({
  tenantId: z.string().regex(TENANT_ID_PATTERN),
  userId: z.string().regex(SUB_PATTERN),
  answerId: z.string().regex(ANSWER_ID_PATTERN),
  connectionId: z.string().min(1).max(128),
  /** Tenant-scoped STS credentials (AssumeRole with session tags tenantId/userId). */
  accessKeyId: z.string().min(16).max(128),
  secretAccessKey: z.string().min(1),
  sessionToken: z.string().min(1),
  /** ISO 8601 expiry of the scoped credentials. */
  credentialsExpiration: z.string().datetime({ offset: true }),
});
export type SessionAttributes = z.infer<typeof SessionAttributes>;
