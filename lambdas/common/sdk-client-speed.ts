/**
 * For the clients whose commands carry everything in their own input (PostToConnection,
 * the chat function's hand-off Invoke): the SDK resolves each command class's middleware
 * once per client instead of on every call (about a millisecond of CPU per call on a busy
 * 2-core machine; docs/performance.md §Own time). Sound for these clients because they sign
 * with one identity, the function's own role: the cached handler's request context is shared
 * by overlapping calls, and what they share is the same for all of them. Never for a
 * DynamoDB document client: lib-dynamodb's resolved handler holds the command it was
 * resolved for, so a cached one would send that first command's input again (lib-dynamodb
 * refuses the setting); nor for the tenant-data client, whose requests each carry their
 * own session's credentials (scoped-dynamodb.ts).
 */
export const SDK_CLIENT_SPEED = { cacheMiddleware: true } as const;
