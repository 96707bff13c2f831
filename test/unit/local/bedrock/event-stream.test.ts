import { decodeFrame, encodeChunkEvent, encodeExceptionEvent } from "../../../../local/bedrock/event-stream";

describe("event-stream frames", () => {
  it("encodes a chunk event with base64 bytes and the service's headers", () => {
    const { headers, body } = decodeFrame(encodeChunkEvent("héllo"));
    expect(headers).toEqual({ ":event-type": "chunk", ":message-type": "event", ":content-type": "application/json" });
    expect(Buffer.from(JSON.parse(body).bytes, "base64").toString("utf8")).toBe("héllo");
  });

  it("encodes a modelled exception", () => {
    const { headers, body } = decodeFrame(encodeExceptionEvent("throttlingException", "slow down"));
    expect(headers[":message-type"]).toBe("exception");
    expect(headers[":exception-type"]).toBe("throttlingException");
    expect(JSON.parse(body)).toEqual({ message: "slow down" });
  });
});
