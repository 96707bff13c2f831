/**
 * The WebSocket API's routing, one definition for the Pulumi program (api and routes)
 * and the local API Gateway stand-in: the route keys and the route selection expression.
 */

/**
 * Where the `$connect` authorizer's identity comes from. API Gateway answers 401 itself,
 * without invoking the authorizer, when a request lacks it.
 */
export const AUTHORIZER_IDENTITY_SOURCES = ["route.request.header.Sec-WebSocket-Protocol"];

/** The header names among identity sources (`route.request.header.<name>`), lower-cased. */
export function identitySourceHeaders(sources: readonly string[]): string[] {
  return sources.flatMap((s) => {
    const name = /^route\.request\.header\.([A-Za-z0-9-]+)$/.exec(s)?.[1];
    return name ? [name.toLowerCase()] : [];
  });
}

/** Every message's route is its JSON body's `action` field. */
export const ROUTE_SELECTION_EXPRESSION = "$request.body.action";

export const ROUTE_KEYS = ["$connect", "$disconnect", "ask", "$default"] as const;

/** The routes a message selects by name: every key but API Gateway's `$`-prefixed ones. */
export const MESSAGE_ROUTE_KEYS: readonly string[] = ROUTE_KEYS.filter((key) => !key.startsWith("$"));

/**
 * Two-way routes: the routes that carry a client frame, each with a route response, so API
 * Gateway sends the integration's returned `body` back to the sender as one frame (the
 * frame's one reply, I9) instead of the function posting it with PostToConnection. API
 * Gateway passes a backend response through only when the route has a route response, and
 * `$default` is the only route response key WebSocket APIs support (API Gateway developer
 * guide, "Set up route responses for WebSocket APIs in API Gateway" and "WebSocket selection
 * expressions", checked 2026-12-02). `$connect` and `$disconnect` stay one-way: there is no
 * socket to answer yet, or any more.
 */
export const TWO_WAY_ROUTE_KEYS: readonly (typeof ROUTE_KEYS)[number][] = ["ask", "$default"];

/** The route response selection expression and key of every two-way route: the only one supported. */
export const ROUTE_RESPONSE_KEY = "$default";

/**
 * The body field a `$request.body.<field>` expression selects on; undefined for any other
 * expression (API Gateway also allows header and context selection, which nothing here uses).
 */
export function routeSelectionField(expression: string): string | undefined {
  return /^\$request\.body\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expression)?.[1];
}
