/**
 * The `hello` frame (on `$default`, like `ping`): the page asks who it is talking for and
 * gets `{"type":"hello","tenantName"}`, the display name of the caller's own tenant from
 * the authorizer context (I1), read with the caller's scoped credentials (I3,
 * tenant-names.ts). The name is only for the header: when it cannot be read the reply
 * leaves it out (the page then shows the username alone), so a table hiccup costs no
 * error banner. An expired token gets `token_expired`, as every other frame.
 */
import { type AuthorizerContext, tokenExpired } from "../common/authorizer-context";
import { errorSummary, type InvocationLogger } from "../common/logger";
import { errorEvent, hello } from "../common/server-events";
import type { ChatDependencies } from "./dependencies";
import type { Reply } from "./websocket-event";

export async function handleHello(
  caller: AuthorizerContext,
  deps: Pick<ChatDependencies, "tenantNames" | "now">,
  log: InvocationLogger,
  reply: Reply,
): Promise<void> {
  if (tokenExpired(caller, deps.now())) {
    reply(errorEvent("token_expired", "your sign-in has expired; reconnect with a fresh token"));
    return;
  }
  let tenantName: string | undefined;
  try {
    tenantName = await deps.tenantNames.nameOf(caller.tenantId, caller.userId);
  } catch (error) {
    log.warn("tenant name not read", errorSummary(error));
  }
  reply(hello(tenantName));
}
