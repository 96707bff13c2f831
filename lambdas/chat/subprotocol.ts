/**
 * WebSocket subprotocol negotiation on `$connect`. The browser offers
 * `[APP_PROTOCOL, <ID token>]`; API Gateway requires the integration to pick one or the
 * browser drops the connection. We pick the app protocol and never the token (which
 * would otherwise be echoed into response headers and proxy logs). Pure; the offer is
 * read by shared/subprotocol-header.ts.
 */

/** Response headers for `$connect`: the app protocol, only when the client offered it. */
export function connectResponseHeaders(
  offered: readonly string[],
  appProtocol: string,
): Record<string, string> | undefined {
  return offered.includes(appProtocol) ? { "Sec-WebSocket-Protocol": appProtocol } : undefined;
}
