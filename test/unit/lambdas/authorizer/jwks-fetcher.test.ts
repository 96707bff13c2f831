import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { isPermittedJwksUrl, LoopbackAwareJwksFetcher } from "../../../../lambdas/authorizer/jwks-fetcher";

describe("isPermittedJwksUrl", () => {
  it.each([
    "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x/.well-known/jwks.json",
    "http://127.0.0.1:9230/local_x/.well-known/jwks.json",
    "http://localhost:9230/local_x/.well-known/jwks.json",
    "http://[::1]:9230/jwks.json",
  ])("allows %s", (uri) => expect(isPermittedJwksUrl(uri)).toBe(true));

  it.each([
    "http://idp.example.com/jwks.json",
    "http://127.0.0.1.evil.example/jwks.json",
    "http://10.0.0.1/jwks.json",
    "https://user:pass@idp.example.com/jwks.json",
    "file:///etc/passwd",
    "not a url",
  ])("refuses %s", (uri) => expect(isPermittedJwksUrl(uri)).toBe(false));
});

describe("LoopbackAwareJwksFetcher", () => {
  let server: Server;
  let base: string;
  const body = JSON.stringify({ keys: [] });

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/jwks.json") res.writeHead(200, { "content-type": "application/json" }).end(body);
      else if (req.url === "/huge.json") res.writeHead(200).end("x".repeat(1024 * 1024));
      else if (req.url === "/slow.json") setTimeout(() => res.writeHead(200).end(body), 2000);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("downloads a JWKS over http from a loopback host", async () => {
    const data = await new LoopbackAwareJwksFetcher().fetch(`${base}/jwks.json`);
    expect(Buffer.from(data).toString("utf8")).toBe(body);
  });

  it.each([
    ["a non-200 answer", "/missing.json"],
    ["an oversized body", "/huge.json"],
  ])("fails on %s", async (_label, path) => {
    await expect(new LoopbackAwareJwksFetcher().fetch(`${base}${path}`)).rejects.toThrow();
  });

  it("times out", async () => {
    await expect(new LoopbackAwareJwksFetcher(100).fetch(`${base}/slow.json`)).rejects.toThrow();
  });

  it("refuses plain http to another host without connecting", async () => {
    await expect(new LoopbackAwareJwksFetcher().fetch("http://idp.example.com/jwks.json")).rejects.toThrow();
  });
});
