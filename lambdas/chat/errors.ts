/**
 * Typed errors of the chat function. Messages never echo request data, tokens or
 * credentials: they may reach a log line.
 */
import { ConfigError } from "../shared/environment";

/** The function is misconfigured: fails the invocation loudly instead of answering wrongly. */
export class ChatConfigError extends ConfigError {
  override readonly name = "ChatConfigError";
}

/** The asynchronous answer-step payload is not one this function produced. */
export class AnswerRequestError extends Error {
  override readonly name = "AnswerRequestError";
  readonly code = "bad_answer_request";
}
