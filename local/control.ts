/**
 * Local-only test controls over HTTP, so test processes other than the stack's own can
 * switch the agent's mode and the action-group bundle: POST /agent-mode {"mode"},
 * POST /action-group {"bundle": path|null}, GET /health.
 */
import * as http from "node:http";
import * as z from "zod";
import type { AgentMode } from "./bedrock-agent-runtime";
import { readBody } from "./aws-request";
import { close, listen } from "./listen";

export interface ControlHandlers {
  setAgentMode(mode: AgentMode): void;
  setActionGroupBundle(path: string | null): Promise<void>;
}

const AgentModeBody = z.object({ mode: z.enum(["honest", "compromised"]) }).strict();
const ActionGroupBody = z.object({ bundle: z.string().min(1).nullable() }).strict();

export async function startControlServer(port: number, handlers: ControlHandlers): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    (async () => {
      if (req.method === "GET" && req.url === "/health") return reply(200, { ok: true });
      if (req.method !== "POST") return reply(405, { error: "use POST" });
      let json: unknown;
      try {
        json = JSON.parse((await readBody(req, 16 * 1024)).toString("utf8"));
      } catch {
        return reply(400, { error: "body must be JSON" });
      }
      if (req.url === "/agent-mode") {
        const parsed = AgentModeBody.safeParse(json);
        if (!parsed.success) return reply(400, { error: 'expected {"mode":"honest"|"compromised"}' });
        handlers.setAgentMode(parsed.data.mode);
        return reply(200, { mode: parsed.data.mode });
      }
      if (req.url === "/action-group") {
        const parsed = ActionGroupBody.safeParse(json);
        if (!parsed.success) return reply(400, { error: 'expected {"bundle":"<path>"|null}' });
        await handlers.setActionGroupBundle(parsed.data.bundle);
        return reply(200, { bundle: parsed.data.bundle });
      }
      return reply(404, { error: "unknown control" });
    })().catch((error: unknown) => reply(500, { error: (error as Error).message }));
  });
  const bound = await listen(server, port, "control");
  return { url: `http://127.0.0.1:${bound}`, close: () => close(server) };
}

/** Client side, for tests in other processes. */
export async function postControl(controlUrl: string, path: "/agent-mode" | "/action-group", body: unknown): Promise<void> {
  const response = await fetch(`${controlUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`control ${path} failed: ${response.status} ${await response.text()}`);
}
