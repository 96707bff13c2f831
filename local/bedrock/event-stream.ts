/**
 * AWS event-stream frames for InvokeAgent's `completion` stream, encoded with the same
 * codec the SDK decodes with, so framing (prelude, CRCs, header types) is exactly right.
 */
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";

const codec = new EventStreamCodec(toUtf8, fromUtf8);

const str = (value: string) => ({ type: "string" as const, value });

/**
 * A `chunk` event: the answer text, base64 in `bytes` as the service sends it, and the
 * knowledge-base citations (`attribution`) when the text draws on retrieved passages.
 */
export function encodeChunkEvent(text: string, attribution?: object): Uint8Array {
  const payload = { bytes: Buffer.from(text, "utf8").toString("base64"), ...(attribution ? { attribution } : {}) };
  return codec.encode({
    headers: { ":event-type": str("chunk"), ":message-type": str("event"), ":content-type": str("application/json") },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

/** A `trace` event (enableTrace): one TracePart object as JSON, as the service sends it. */
export function encodeTraceEvent(part: object): Uint8Array {
  return codec.encode({
    headers: { ":event-type": str("trace"), ":message-type": str("event"), ":content-type": str("application/json") },
    body: fromUtf8(JSON.stringify(part)),
  });
}

/**
 * Modelled exceptions inside the stream (`throttlingException`, `dependencyFailedException`,
 * …): the member name of the ResponseStream union, which the SDK raises as the matching
 * exception class (ThrottlingException, DependencyFailedException, …).
 */
export type StreamExceptionType =
  | "throttlingException"
  | "dependencyFailedException"
  | "internalServerException"
  | "validationException"
  | "accessDeniedException"
  | "badGatewayException";

export function encodeExceptionEvent(type: StreamExceptionType, message: string): Uint8Array {
  return codec.encode({
    headers: { ":exception-type": str(type), ":message-type": str("exception"), ":content-type": str("application/json") },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

/** Decode one frame (tests and diagnostics). */
export function decodeFrame(frame: Uint8Array): { headers: Record<string, string>; body: string } {
  const message = codec.decode(frame);
  const headers: Record<string, string> = {};
  for (const [name, header] of Object.entries(message.headers)) headers[name] = String(header.value);
  return { headers, body: toUtf8(message.body) };
}
