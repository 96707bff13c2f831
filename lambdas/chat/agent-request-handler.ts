/**
 * The HTTP/2 handler of the answer step's Bedrock agent runtime client: one connection
 * kept for the InvokeAgent calls of an execution environment, instead of a new one per
 * call. The SDK's default (`disableConcurrentStreams`, and a single-use session for every
 * event-stream operation) opens a TCP connection, and on AWS a TLS session, for every
 * answer and tears it down as the answer's stream ends, just before `done`
 * (docs/performance.md §Own time). That default protects services that cap the streams of
 * one connection; here an environment runs one invocation at a time (Lambda's model), so
 * it has at most one agent stream open, and reusing the connection is safe.
 *
 * A connection idle for longer than `maxIdleMs` is closed before the next call and a new
 * one opened: an environment frozen between invocations cannot see a connection the
 * service or the network closed meanwhile, and a request written to a dead connection
 * would hang or fail instead of asking the agent. The idle time is measured on the wall
 * clock, which a freeze does not stop.
 *
 * Within that bound the peer may still close the connection as a request goes out (an
 * idle close's GOAWAY crossing our request). Such a request is sent again, once, on a new
 * connection, but only when Node says for certain that the agent never saw it
 * (`certainlyUnprocessed`): InvokeAgent is not idempotent (the agent runs tools, keeps
 * the conversation, and the answer is metered, I22), and each ask ends with one `done`
 * or one `error` (I9). Anything less certain fails the answer as before
 * (docs/threat-model.md T48).
 */
import { NodeHttp2Handler } from "@smithy/node-http-handler";

/** Far below the idle timeouts of HTTP/2 servers and NAT (60 s and more). */
export const MAX_IDLE_MS = 20_000;

type HandleArgs = Parameters<NodeHttp2Handler["handle"]>;

/**
 * Whether a request that failed before any response certainly never reached the peer's
 * application, so that sending it again cannot run it twice. Pure. Only Node's own
 * signals that say so (node:http2, checked with Node 20 on 2026-12-02):
 * - `ERR_HTTP2_STREAM_CANCEL`: the stream was still waiting for its session to connect
 *   when the session failed (a connect error is its `cause`): nothing was written;
 * - `ERR_HTTP2_GOAWAY_SESSION`, `ERR_HTTP2_INVALID_SESSION`: the session had already
 *   received GOAWAY, was closed or destroyed, and refused to open the stream;
 * - `ERR_HTTP2_STREAM_ERROR` with `NGHTTP2_REFUSED_STREAM`: the peer reset the stream
 *   "prior to any processing" (RFC 9113 §8.7), or the stream's id is above the last
 *   stream id of a GOAWAY the peer sent (nghttp2 closes those streams with that code;
 *   RFC 9113 §6.8: the peer did not and will not process them).
 * Not retried: a GOAWAY with an error code (Node destroys every open stream with one
 * `ERR_HTTP2_SESSION_ERROR`, whichever side of the last stream id they were), a socket
 * closed or reset after the request was written, a timeout, any HTTP status: the agent
 * may have started.
 */
export function certainlyUnprocessed(error: unknown): boolean {
  // Read by shape, not `instanceof Error`: Node's errors may come from another realm.
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  switch (code) {
    case "ERR_HTTP2_STREAM_CANCEL":
    case "ERR_HTTP2_GOAWAY_SESSION":
    case "ERR_HTTP2_INVALID_SESSION":
      return true;
    case "ERR_HTTP2_STREAM_ERROR":
      return typeof message === "string" && message.endsWith("NGHTTP2_REFUSED_STREAM");
    default:
      return false;
  }
}

/** A body that can be written a second time (InvokeAgent's is a JSON string). */
function replayable(body: unknown): boolean {
  return body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array;
}

export class AgentRequestHandler extends NodeHttp2Handler {
  private lastActiveAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxIdleMs: number = MAX_IDLE_MS,
  ) {
    super({ disableConcurrentStreams: false });
  }

  override async handle(request: HandleArgs[0], options: HandleArgs[1] = {}): ReturnType<NodeHttp2Handler["handle"]> {
    if (this.now() - this.lastActiveAt > this.maxIdleMs) this.destroy();
    this.lastActiveAt = this.now();
    // Not an isolated session for the event stream: the pooled one (see the file comment).
    const pooled = { ...options, isEventStream: false };
    let result: Awaited<ReturnType<NodeHttp2Handler["handle"]>>;
    try {
      result = await super.handle(request, pooled);
    } catch (error) {
      // The handler settles with an error only before the response's headers: no
      // response byte was read. Once (RFC 9113 §8.7), on a new connection.
      if (!certainlyUnprocessed(error) || !replayable(request.body) || options.abortSignal?.aborted) throw error;
      this.destroy();
      result = await super.handle(request, pooled);
    }
    const body = result.response.body as { once?: (event: string, listener: () => void) => unknown } | undefined;
    body?.once?.("close", () => {
      this.lastActiveAt = this.now();
    });
    return result;
  }
}
