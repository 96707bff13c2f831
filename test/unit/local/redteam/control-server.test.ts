/**
 * The local test-control server: any web page can send requests to 127.0.0.1, so only a
 * non-browser caller holding the per-start token, sending JSON, may switch anything,
 * and the action group can only be switched between a closed set of variants.
 */
import * as http from "node:http";
import {
  bearerTokenMatches,
  getCallCounts,
  getChatRoleCredentials,
  newControlToken,
  postControl,
  refuseControlRequest,
  startControlServer,
  type ActionGroupVariant,
  type ControlServer,
} from "../../../../local/redteam/control-server";
import type { AgentModeSetting } from "../../../../local/redteam/agent-mode-scope";
import { emptyCounts } from "../../../../local/runtime/call-counter";

const COUNTS = { ...emptyCounts(), sts: { AssumeRole: { calls: 1, bytes: 0 } } };
const ATTACKER = "aaaaaaaa-1111-2222-3333-444444444444";
const COMPROMISE = JSON.stringify({ mode: "compromised", userIds: [ATTACKER] });

/** Raw requests (not fetch) so every header, including Origin and Host, is exactly as written. */
function request(
  url: string,
  init: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${init.path ?? "/agent-mode"}`, { method: init.method ?? "POST", headers: init.headers }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

const CHAT_KEYS = {
  accessKeyId: "AKIALOCALCHATEXAMPLE",
  secretAccessKey: "local/chat/secret/example/0123456789abcdef",
  sessionToken: "local-session-token-example",
  tenantAccessRoleArn: "arn:aws:iam::000000000000:role/mta-dev-tenant-access",
};

describe("control server", () => {
  let server: ControlServer;
  const calls: { modes: AgentModeSetting[]; variants: ActionGroupVariant[] } = { modes: [], variants: [] };
  let json: Record<string, string>;

  beforeAll(async () => {
    server = await startControlServer(0, {
      setAgentMode: (mode) => void calls.modes.push(mode),
      setActionGroupVariant: async (variant) => void calls.variants.push(variant),
      callCounts: () => COUNTS,
      iamGate: () => "enforced",
      chatRoleCredentials: () => CHAT_KEYS,
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    calls.modes = [];
    calls.variants = [];
    json = { "content-type": "application/json", authorization: `Bearer ${server.token}` };
  });

  it("generates a fresh random 32-byte token per start", async () => {
    expect(Buffer.from(server.token, "base64url")).toHaveLength(32);
    const other = await startControlServer(0, { setAgentMode: () => undefined, setActionGroupVariant: async () => undefined, callCounts: emptyCounts, iamGate: () => "enforced", chatRoleCredentials: () => CHAT_KEYS });
    try {
      expect(other.token).not.toBe(server.token);
    } finally {
      await other.close();
    }
  });

  it("refuses a request without a token with 401, switching nothing", async () => {
    const { authorization: _none, ...headers } = json;
    const reply = await request(server.url, { headers, body: COMPROMISE });
    expect(reply.status).toBe(401);
    expect(reply.body).not.toContain(server.token);
    expect(calls.modes).toEqual([]);
  });

  it.each([
    ["a wrong token of the same length", () => `Bearer ${newControlToken()}`],
    ["a prefix of the token", () => `Bearer ${server.token.slice(0, 10)}`],
    ["the token with another scheme", () => `Basic ${server.token}`],
    ["the token and trailing junk", () => `Bearer ${server.token}x`],
  ])("refuses %s with 401", async (_label, authorization) => {
    const reply = await request(server.url, { headers: { ...json, authorization: authorization() }, body: COMPROMISE });
    expect(reply.status).toBe(401);
    expect(calls.modes).toEqual([]);
  });

  it("refuses any request with an Origin header with 403, even with the right token", async () => {
    for (const origin of ["https://evil.example", "null", "http://127.0.0.1:4500"]) {
      const reply = await request(server.url, { headers: { ...json, origin }, body: COMPROMISE });
      expect(reply.status).toBe(403);
    }
    expect(calls.modes).toEqual([]);
  });

  it("refuses a Host other than this server (DNS rebinding) with 403", async () => {
    const reply = await request(server.url, { headers: { ...json, host: "evil.example:4570" }, body: COMPROMISE });
    expect(reply.status).toBe(403);
    expect(calls.modes).toEqual([]);
  });

  it.each(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""])(
    "refuses a %j body with 415",
    async (contentType) => {
      const headers: Record<string, string> = { ...json, "content-type": contentType };
      if (!contentType) delete headers["content-type"];
      const reply = await request(server.url, { headers, body: COMPROMISE });
      expect(reply.status).toBe(415);
      expect(calls.modes).toEqual([]);
    },
  );

  it.each([
    ['{"variant":"evil"}'],
    ['{"bundle":"/tmp/evil.js"}'],
    ['{"variant":"rogue","bundle":"/tmp/evil.js"}'],
    ['{"variant":null}'],
    ["not json"],
  ])("refuses the action-group body %s with 400", async (body) => {
    const reply = await request(server.url, { path: "/action-group", headers: json, body });
    expect(reply.status).toBe(400);
    expect(calls.variants).toEqual([]);
  });

  it.each([
    ['{"mode":"compromised"}'],
    ['{"mode":"compromised","userIds":[]}'],
    ['{"mode":"compromised","userIds":["not-a-sub"]}'],
    ['{"mode":"compromised","userIds":"aaaaaaaa-1111-2222-3333-444444444444"}'],
    [JSON.stringify({ mode: "compromised", userIds: Array.from({ length: 101 }, (_, i) => `aaaaaaaa-1111-2222-3333-${String(i).padStart(12, "0")}`) })],
    ['{"mode":"honest","userIds":["aaaaaaaa-1111-2222-3333-444444444444"]}'],
  ])("refuses the unscoped or badly scoped agent-mode body %s with 400", async (body) => {
    const reply = await request(server.url, { headers: json, body });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).error).toMatch(/userIds/);
    expect(calls.modes).toEqual([]);
  });

  it("accepts up to 100 attacker subs, duplicates counted once", async () => {
    const subs = Array.from({ length: 100 }, (_, i) => `aaaaaaaa-1111-2222-3333-${String(i).padStart(12, "0")}`);
    expect(await request(server.url, { headers: json, body: JSON.stringify({ mode: "compromised", userIds: subs }) })).toEqual({
      status: 200,
      body: '{"mode":"compromised","users":100}',
    });
    const twice = [subs[0], subs[1], subs[0]];
    expect(await request(server.url, { headers: json, body: JSON.stringify({ mode: "compromised", userIds: twice }) })).toEqual({
      status: 200,
      body: '{"mode":"compromised","users":2}',
    });
    expect(calls.modes).toEqual([
      { mode: "compromised", userIds: subs },
      { mode: "compromised", userIds: [subs[0], subs[1]] },
    ]);
  });

  it("refuses an unknown agent mode with 400 and an unknown control with 404", async () => {
    expect((await request(server.url, { headers: json, body: '{"mode":"evil"}' })).status).toBe(400);
    expect((await request(server.url, { path: "/shutdown", headers: json, body: "{}" })).status).toBe(404);
    expect(calls.modes).toEqual([]);
  });

  it("switches the agent mode and the action-group variant for a valid request (200)", async () => {
    const mode = await request(server.url, { headers: { ...json, "content-type": "application/json; charset=utf-8" }, body: COMPROMISE });
    expect(mode).toEqual({ status: 200, body: '{"mode":"compromised","users":1}' });
    const rogue = await request(server.url, { path: "/action-group", headers: json, body: '{"variant":"rogue"}' });
    expect(rogue).toEqual({ status: 200, body: '{"variant":"rogue"}' });
    const back = await request(server.url, { path: "/action-group", headers: json, body: '{"variant":"default"}' });
    expect(back.status).toBe(200);
    const honest = await request(server.url, { headers: json, body: '{"mode":"honest"}' });
    expect(honest).toEqual({ status: 200, body: '{"mode":"honest"}' });
    expect(calls).toEqual({ modes: [{ mode: "compromised", userIds: [ATTACKER] }, { mode: "honest" }], variants: ["rogue", "default"] });
  });

  it("answers /health only with the token", async () => {
    expect((await request(server.url, { method: "GET", path: "/health" })).status).toBe(401);
    expect(await request(server.url, { method: "GET", path: "/health", headers: { authorization: json.authorization } })).toEqual({
      status: 200,
      body: '{"ok":true,"iamGate":"enforced"}',
    });
  });

  it("answers /calls (the stand-ins' call counts) only with the token", async () => {
    expect((await request(server.url, { method: "GET", path: "/calls" })).status).toBe(401);
    await expect(getCallCounts(server.url, "wrong")).rejects.toThrow(/401/);
    expect(await getCallCounts(server.url, server.token)).toEqual(COUNTS);
  });

  it("answers /chat-role-credentials (local-only red-team keys) only with the token, and never to a browser", async () => {
    expect((await request(server.url, { method: "GET", path: "/chat-role-credentials" })).status).toBe(401);
    const fromPage = await request(server.url, {
      method: "GET",
      path: "/chat-role-credentials",
      headers: { authorization: json.authorization, origin: "https://evil.example" },
    });
    expect(fromPage.status).toBe(403);
    expect(fromPage.body).not.toContain(CHAT_KEYS.secretAccessKey);
    await expect(getChatRoleCredentials(server.url, "wrong")).rejects.toThrow(/401/);
    expect(await getChatRoleCredentials(server.url, server.token)).toEqual(CHAT_KEYS);
  });

  it("postControl (the client tests use) sends the token and JSON, and reports a refusal", async () => {
    await postControl(server.url, server.token, { path: "/agent-mode", body: { mode: "compromised", userIds: [ATTACKER] } });
    await postControl(server.url, server.token, { path: "/agent-mode", body: { mode: "honest" } });
    await postControl(server.url, server.token, { path: "/action-group", body: { variant: "rogue" } });
    expect(calls).toEqual({ modes: [{ mode: "compromised", userIds: [ATTACKER] }, { mode: "honest" }], variants: ["rogue"] });
    await expect(postControl(server.url, "wrong", { path: "/agent-mode", body: { mode: "honest" } })).rejects.toThrow(/401/);
  });
});

describe("refuseControlRequest and bearerTokenMatches", () => {
  const expected = { token: "t".repeat(43), port: 4570 };
  const ok = { host: "127.0.0.1:4570", authorization: `Bearer ${"t".repeat(43)}`, "content-type": "application/json" };

  it("lets a token-bearing JSON POST and GET through", () => {
    expect(refuseControlRequest({ method: "POST", headers: ok }, expected)).toBeUndefined();
    expect(refuseControlRequest({ method: "POST", headers: { ...ok, host: "localhost:4570" } }, expected)).toBeUndefined();
    expect(refuseControlRequest({ method: "GET", headers: { host: ok.host, authorization: ok.authorization } }, expected)).toBeUndefined();
  });

  it("checks Origin before the token, and the token before the method and body type", () => {
    expect(refuseControlRequest({ method: "POST", headers: { origin: "https://x", host: ok.host } }, expected)?.status).toBe(403);
    expect(refuseControlRequest({ method: "PUT", headers: { host: ok.host } }, expected)?.status).toBe(401);
    expect(refuseControlRequest({ method: "PUT", headers: ok }, expected)?.status).toBe(405);
    expect(refuseControlRequest({ method: "POST", headers: { ...ok, "content-type": "text/plain" } }, expected)?.status).toBe(415);
  });

  it("matches only the exact bearer token", () => {
    expect(bearerTokenMatches(`Bearer ${expected.token}`, expected.token)).toBe(true);
    for (const header of [undefined, "", "Bearer ", `bearer ${expected.token}`, `Bearer ${expected.token} `, `Bearer ${expected.token.slice(1)}`]) {
      expect(bearerTokenMatches(header, expected.token)).toBe(false);
    }
  });
});
