/**
 * Local-only test controls over HTTP, so test processes other than the stack's own can
 * switch the agent's mode and the action-group variant:
 * POST /agent-mode {"mode": "honest"} or {"mode": "compromised", "userIds": [<sub>, …]}
 * (compromised only for the named users, at most MAX_COMPROMISED_USERS: a running stack
 * may also serve a developer's browser, which must keep the honest agent),
 * POST /action-group {"variant": "default"|"rogue"}, GET /health (with whether the IAM gate is
 * enforced), GET /calls (every call the
 * stand-ins served so far, by service and operation: local/runtime/call-counter.ts),
 * GET /chat-role-credentials (the chat function's local role keys and the tenant-access
 * role's ARN, so the red team can attack the trust policy as a compromised chat function
 * would: test/integration/redteam/assume-role.test.ts). That last one exists only here:
 * on AWS a function's credentials never leave Lambda, and nothing deployed offers them.
 *
 * Any web page the developer visits can send requests to 127.0.0.1, so every request
 * must carry the per-start bearer token from the stack outputs (compared in constant
 * time), must not carry an Origin header (browsers always send one on cross-site POSTs)
 * and must name this server in Host (DNS rebinding). Bodies must be application/json,
 * which a page cannot send cross-site without a CORS preflight this server never grants.
 * The action-group variant is a closed set: no caller-chosen file is ever loaded.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import * as http from "node:http";
import * as z from "zod";
import { SUB_PATTERN } from "../../lambdas/common/identifiers";
import { MAX_COMPROMISED_USERS, type AgentModeSetting } from "./agent-mode-scope";
import { readBody } from "../runtime/aws-request";
import type { CallCounts } from "../runtime/call-counter";
import { close, listen, LOCAL_HOST } from "../runtime/listen";

export const ACTION_GROUP_VARIANTS = ["default", "rogue"] as const;
export type ActionGroupVariant = (typeof ACTION_GROUP_VARIANTS)[number];

export interface ControlHandlers {
  setAgentMode(setting: AgentModeSetting): void;
  setActionGroupVariant(variant: ActionGroupVariant): Promise<void>;
  callCounts(): CallCounts;
  /** The IAM gate now (local/iam/iam-gate.ts `iamGateLabel`): "enforced" on every stack but a load benchmark's own. */
  iamGate(): string;
  /** The chat role's local keys and the role it may assume (LOCAL ONLY: a red-team attack on the trust policy, I3). */
  chatRoleCredentials(): ChatRoleCredentials;
}

/** What a compromised chat function would hold: its role's keys, and the tenant-access role it may try to assume. */
export interface ChatRoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Function keys are session keys, as Lambda's are. */
  sessionToken: string;
  tenantAccessRoleArn: string;
}

export interface ControlServer {
  url: string;
  /** The bearer token every request must carry (written to the stack outputs only). */
  token: string;
  close(): Promise<void>;
}

const AgentModeBody = z.union([
  z.object({ mode: z.literal("honest") }).strict(),
  z
    .object({
      mode: z.literal("compromised"),
      userIds: z.array(z.string().regex(SUB_PATTERN)).min(1).max(MAX_COMPROMISED_USERS),
    })
    .strict(),
]);
const AGENT_MODE_USAGE = `expected {"mode":"honest"} or {"mode":"compromised","userIds":[1-${MAX_COMPROMISED_USERS} Cognito subs]}`;
const ActionGroupBody = z.object({ variant: z.enum(ACTION_GROUP_VARIANTS) }).strict();

/** 32 random bytes, URL-safe: one per stack start. */
export function newControlToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Constant time in the token's content and length: both sides are hashed first. */
export function bearerTokenMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer ([A-Za-z0-9_-]+)$/.exec(authorization ?? "");
  const presented = createHash("sha256").update(match?.[1] ?? "").digest();
  const expected = createHash("sha256").update(token).digest();
  return timingSafeEqual(presented, expected) && match !== null;
}

export interface ControlRefusal {
  status: 401 | 403 | 405 | 415;
  error: string;
}

/**
 * Pure: why a request may not reach a control, or undefined when it may. Order matters:
 * a browser's request is refused before its credentials are even looked at.
 */
export function refuseControlRequest(
  request: { method: string; headers: http.IncomingHttpHeaders },
  expected: { token: string; port: number },
): ControlRefusal | undefined {
  const h = request.headers;
  if (h.origin !== undefined) return { status: 403, error: "requests from browsers (with an Origin header) are refused" };
  const hosts = [`${LOCAL_HOST}:${expected.port}`, `localhost:${expected.port}`];
  if (!hosts.includes(String(h.host ?? "").toLowerCase())) return { status: 403, error: "unexpected Host header" };
  if (!bearerTokenMatches(h.authorization, expected.token)) return { status: 401, error: "missing or wrong bearer token (see controlToken in the stack outputs)" };
  if (request.method === "GET") return undefined;
  if (request.method !== "POST") return { status: 405, error: "use POST" };
  const mediaType = String(h["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (mediaType !== "application/json") return { status: 415, error: "content-type must be application/json" };
  return undefined;
}

export async function startControlServer(port: number, handlers: ControlHandlers, token = newControlToken()): Promise<ControlServer> {
  let boundPort = port;
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(body));
    };
    (async () => {
      const method = (req.method ?? "GET").toUpperCase();
      const refusal = refuseControlRequest({ method, headers: req.headers }, { token, port: boundPort });
      if (refusal) {
        req.resume();
        return reply(refusal.status, { error: refusal.error });
      }
      if (method === "GET") {
        if (req.url === "/health") return reply(200, { ok: true, iamGate: handlers.iamGate() });
        if (req.url === "/calls") return reply(200, handlers.callCounts());
        if (req.url === "/chat-role-credentials") return reply(200, handlers.chatRoleCredentials());
        return reply(405, { error: "use POST" });
      }
      let json: unknown;
      try {
        json = JSON.parse((await readBody(req, 16 * 1024)).toString("utf8"));
      } catch {
        return reply(400, { error: "body must be JSON" });
      }
      if (req.url === "/agent-mode") {
        const parsed = AgentModeBody.safeParse(json);
        if (!parsed.success) return reply(400, { error: AGENT_MODE_USAGE });
        const setting: AgentModeSetting =
          parsed.data.mode === "honest" ? { mode: "honest" } : { mode: "compromised", userIds: [...new Set(parsed.data.userIds)] };
        handlers.setAgentMode(setting);
        return reply(200, setting.mode === "honest" ? setting : { mode: setting.mode, users: setting.userIds.length });
      }
      if (req.url === "/action-group") {
        const parsed = ActionGroupBody.safeParse(json);
        if (!parsed.success) return reply(400, { error: 'expected {"variant":"default"|"rogue"}' });
        await handlers.setActionGroupVariant(parsed.data.variant);
        return reply(200, { variant: parsed.data.variant });
      }
      return reply(404, { error: "unknown control" });
    })().catch((error: unknown) => reply(500, { error: (error as Error).message }));
  });
  boundPort = await listen(server, port, "control");
  return { url: `http://${LOCAL_HOST}:${boundPort}`, token, close: () => close(server) };
}

export type ControlRequest = { path: "/agent-mode"; body: AgentModeSetting } | { path: "/action-group"; body: { variant: ActionGroupVariant } };

/** Client side, for tests in other processes. */
export async function postControl(controlUrl: string, token: string, request: ControlRequest): Promise<void> {
  const response = await fetch(`${controlUrl}${request.path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(request.body),
  });
  if (!response.ok) throw new Error(`control ${request.path} failed: ${response.status} ${await response.text()}`);
}

/** Client side: the stack's call counts so far (GET /calls). */
export async function getCallCounts(controlUrl: string, token: string): Promise<CallCounts> {
  const response = await fetch(`${controlUrl}/calls`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`control /calls failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as CallCounts;
}

/** Client side: GET /health (tests assert the IAM gate is enforced). */
export async function getHealth(controlUrl: string, token: string): Promise<{ ok: boolean; iamGate: string }> {
  const response = await fetch(`${controlUrl}/health`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`control /health failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { ok: boolean; iamGate: string };
}

/** Client side: the chat role's local keys (LOCAL ONLY, see the file comment). */
export async function getChatRoleCredentials(controlUrl: string, token: string): Promise<ChatRoleCredentials> {
  const response = await fetch(`${controlUrl}/chat-role-credentials`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`control /chat-role-credentials failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as ChatRoleCredentials;
}
