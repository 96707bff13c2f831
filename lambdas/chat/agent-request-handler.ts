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
 */
import { NodeHttp2Handler } from "@smithy/node-http-handler";

/** Far below the idle timeouts of HTTP/2 servers and NAT (60 s and more). */
export const MAX_IDLE_MS = 20_000;

type HandleArgs = Parameters<NodeHttp2Handler["handle"]>;

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
    const result = await super.handle(request, { ...options, isEventStream: false });
    const body = result.response.body as { once?: (event: string, listener: () => void) => unknown } | undefined;
    body?.once?.("close", () => {
      this.lastActiveAt = this.now();
    });
    return result;
  }
}
