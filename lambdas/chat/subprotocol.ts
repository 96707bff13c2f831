/**
 * WebSocket subprotocol negotiation on `$connect`. The browser offers
 * `[APP_PROTOCOL, <ID token>]`; API Gateway requires the integration to pick one or the
 * browser drops the connection. We pick the app protocol and never the token (which
 * would otherwise be echoed into response headers and proxy logs). Pure.
 */
export function offeredSubprotocols(headerValues: readonly string[]): string[] {
  return headerValues
    .flatMap((value) => value.split(","))
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}

/** Response headers for `$connect`: the app protocol, only when the client offered it. */
export function connectResponseHeaders(
  headerValues: readonly string[],
  appProtocol: string,
): Record<string, string> | undefined {
  return offeredSubprotocols(headerValues).includes(appProtocol)
    ? { "Sec-WebSocket-Protocol": appProtocol }
    : undefined;
}
