/** local/apigateway/route-response.ts: the frame a two-way route sends back. */
import { routeResponseFrame } from "../../../../local/apigateway/route-response";

describe("routeResponseFrame", () => {
  it("is the result's body, whatever the status code", () => {
    expect(routeResponseFrame({ statusCode: 200, body: '{"type":"pong"}' })).toEqual({ ok: true, frame: '{"type":"pong"}' });
    expect(routeResponseFrame({ statusCode: 500, body: "x" })).toEqual({ ok: true, frame: "x" });
  });

  it("is an empty frame when the result has no body", () => {
    expect(routeResponseFrame({ statusCode: 200 })).toEqual({ ok: true, frame: "" });
    expect(routeResponseFrame({ statusCode: 200, body: null })).toEqual({ ok: true, frame: "" });
  });

  it("is malformed (API Gateway's internal error) for anything that is not a proxy response", () => {
    expect(routeResponseFrame(undefined)).toEqual({ ok: false });
    expect(routeResponseFrame("body")).toEqual({ ok: false });
    expect(routeResponseFrame({ statusCode: 200, body: { type: "pong" } })).toEqual({ ok: false });
  });
});
