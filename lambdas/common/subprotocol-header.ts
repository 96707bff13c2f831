/**
 * The subprotocols a WebSocket client offered, read from the `Sec-WebSocket-Protocol`
 * header of the upgrade request as API Gateway passes it on (to the `$connect` authorizer
 * and to the `$connect` route alike): the header name in whatever casing the client sent,
 * repeated header lines in `multiValueHeaders`, entries separated by commas with optional
 * whitespace. Pure; which offer is acceptable is each caller's decision.
 */

export type HeaderMap = Readonly<Record<string, string | undefined>> | null | undefined;
export type MultiValueHeaderMap = Readonly<Record<string, readonly string[] | undefined>> | null | undefined;

/** Lower case: header names are matched case-insensitively. */
export const SUBPROTOCOL_HEADER = "sec-websocket-protocol";

const isSubprotocolHeader = (name: string): boolean => name.toLowerCase() === SUBPROTOCOL_HEADER;

/** The raw offer, all header lines joined into one comma-separated list; undefined without the header. */
export function subprotocolHeader(headers: HeaderMap, multiValueHeaders?: MultiValueHeaderMap): string | undefined {
  // multiValueHeaders holds every line; `headers` only the last one when a header repeats.
  let lines = Object.entries(multiValueHeaders ?? {}).flatMap(([name, values]) =>
    isSubprotocolHeader(name) && Array.isArray(values) ? values : [],
  );
  if (lines.length === 0) {
    lines = Object.entries(headers ?? {}).flatMap(([name, value]) =>
      isSubprotocolHeader(name) && typeof value === "string" ? [value] : [],
    );
  }
  return lines.length > 0 ? lines.join(",") : undefined;
}

/** The entries of a raw offer in order, trimmed, empty entries dropped. */
export function splitSubprotocols(raw: string): string[] {
  return raw
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}

/** The offered subprotocols in order; empty without the header. */
export function offeredSubprotocols(headers: HeaderMap, multiValueHeaders?: MultiValueHeaderMap): string[] {
  return splitSubprotocols(subprotocolHeader(headers, multiValueHeaders) ?? "");
}
