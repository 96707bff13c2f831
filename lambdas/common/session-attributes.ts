/**
 * What the chat function's answer step hands to the Bedrock agent as sessionAttributes,
 * and the only place the action-group function takes identity from. Bedrock passes
 * sessionAttributes to the action group untouched and never shows them to the model.
 */
import * as z from "zod/mini";
import { ANSWER_ID_PATTERN, SUB_PATTERN, TENANT_ID_PATTERN } from "./identifiers";

export const SessionAttributes = z.object({
  tenantId: z.string().check(z.regex(TENANT_ID_PATTERN)),
  userId: z.string().check(z.regex(SUB_PATTERN)),
  answerId: z.string().check(z.regex(ANSWER_ID_PATTERN)),
  connectionId: z.string().check(z.minLength(1), z.maxLength(128)),
  /** Tenant-scoped STS credentials (AssumeRole with session tags tenantId/userId). */
  accessKeyId: z.string().check(z.minLength(16), z.maxLength(128)),
  secretAccessKey: z.string().check(z.minLength(1)),
  sessionToken: z.string().check(z.minLength(1)),
  /** ISO 8601 expiry of the scoped credentials. */
  credentialsExpiration: z.iso.datetime({ offset: true }),
});
export type SessionAttributes = z.infer<typeof SessionAttributes>;
