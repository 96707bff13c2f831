/**
 * The payload the `ask` route hands to the asynchronous answer step (a Lambda `Event`
 * Invoke of this same function). Built only from the parsed message and the verified
 * caller; validated again on arrival because the answer step trusts nothing it did not check.
 * Its own module: the ask route builds it without loading the answer step's clients.
 */
import * as z from "zod/mini";
import type { AuthorizerContext } from "../common/authorizer-context";
import { ANSWER_ID_PATTERN, answerIdOwner, ID_PIECE_PATTERN, SUB_PATTERN, TENANT_ID_PATTERN } from "../common/identifiers";
import { type AskMessage, PROMPT_MAX_CHARS } from "../common/protocol";

/** The asynchronous answer-step payload is not one this function produced. */
export class AnswerRequestError extends Error {
  override readonly name = "AnswerRequestError";
  readonly code = "bad_answer_request";
}

export const AnswerRequest = z.strictObject({
  kind: z.literal("answer"),
  answerId: z.string().check(z.regex(ANSWER_ID_PATTERN)),
  conversationId: z.string().check(z.regex(ID_PIECE_PATTERN)),
  prompt: z.string().check(z.minLength(1), z.maxLength(PROMPT_MAX_CHARS)),
  connectionId: z.string().check(z.minLength(1), z.maxLength(128)),
  userId: z.string().check(z.regex(SUB_PATTERN)),
  tenantId: z.string().check(z.regex(TENANT_ID_PATTERN)),
});
export type AnswerRequest = z.infer<typeof AnswerRequest>;

export function answerRequest(message: AskMessage, caller: AuthorizerContext, connectionId: string): AnswerRequest {
  return {
    kind: "answer",
    answerId: message.answerId,
    conversationId: message.conversationId,
    prompt: message.prompt,
    connectionId,
    userId: caller.userId,
    tenantId: caller.tenantId,
  };
}

/** Parse and cross-check the payload; the error names fields, never their values. */
export function parseAnswerRequest(event: unknown): AnswerRequest {
  const parsed = AnswerRequest.safeParse(event);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join(".") || "(root)"))];
    throw new AnswerRequestError(`answer request: invalid ${fields.join(", ")}`);
  }
  if (answerIdOwner(parsed.data.answerId) !== parsed.data.userId) {
    throw new AnswerRequestError("answer request: answerId does not belong to userId");
  }
  return parsed.data;
}
