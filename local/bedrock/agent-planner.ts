/**
 * The local Bedrock agent's "model": a deterministic, pure planner that reads the action
 * group's function schema, decides from the prompt which tools to call, and renders the
 * answer ONLY from what the tools returned. No I/O here: the runtime server
 * (agent-runtime.ts) executes the plan.
 *
 * `compromised` mode stands in for a model that has been prompt-injected: it obeys
 * instructions in the prompt (other tenant, other user, smuggled tool calls, extra
 * parameters) and repeats tool output verbatim. It never touches sessionAttributes,
 * because real Bedrock hands those to the action group untouched: isolation must hold
 * even when this mode is on.
 */
import type { ToolFunction } from "../../lambdas/action-group/function-schema";

export type AgentMode = "honest" | "compromised";

/** One entry of the function-details event's `parameters` (values are always strings). */
export interface FunctionParameter {
  name: string;
  type: string;
  value: string;
}

export interface ToolCall {
  function: string;
  parameters: FunctionParameter[];
}

export type TurnPlan = { kind: "reply"; text: string } | { kind: "tools"; calls: ToolCall[] };

export interface PlanInput {
  prompt: string;
  functions: readonly ToolFunction[];
  mode: AgentMode;
  /** Earlier questions of THIS session, oldest first. */
  previousQuestions: readonly string[];
}

export interface ToolOutcome {
  call: ToolCall;
  responseState?: "FAILURE" | "REPROMPT";
  body: string;
}

export const CAPABILITIES = "I can tell you your company's return policy and your orders.";
const MAX_CALLS = 5;

// ---------------------------------------------------------------------------------------
// Planning

export function planTurn(input: PlanInput): TurnPlan {
  const prompt = input.prompt.trim();
  if (isMemoryQuestion(prompt)) return { kind: "reply", text: recallAnswer(input.previousQuestions) };

  const calls = input.mode === "compromised" ? compromisedCalls(prompt, input.functions) : honestCalls(prompt, input.functions);
  if (calls.length > 0) return { kind: "tools", calls: calls.slice(0, MAX_CALLS) };

  if (/^\s*(hi|hello|hey|greetings|good (morning|afternoon|evening))\b/i.test(prompt)) {
    return { kind: "reply", text: `Hello! ${CAPABILITIES}` };
  }
  if (/\bhelp\b|what can you do|who are you/i.test(prompt)) {
    return { kind: "reply", text: `${CAPABILITIES} Ask me, for example, "What is the return policy?" or "List my orders."` };
  }
  return { kind: "reply", text: `Sorry, I can't help with that. ${CAPABILITIES}` };
}

function isMemoryQuestion(prompt: string): boolean {
  return (
    /\b(what|which)\b[^?]*\b(did|have)\s+i\s+(just\s+)?(ask|asked|say|said)\b/i.test(prompt) ||
    /\b(my|the)\s+(last|previous|earlier)\s+question\b/i.test(prompt)
  );
}

function recallAnswer(previous: readonly string[]): string {
  const last = previous[previous.length - 1];
  return last === undefined
    ? "You haven't asked me anything else in this conversation yet."
    : `Your previous question was: "${last}"`;
}

/** Order ids the user named: `ord-…` tokens, or "order <token with a digit>". */
export function extractOrderIds(prompt: string): string[] {
  const ids: string[] = [];
  const add = (raw: string) => {
    const id = raw.replace(/-+$/, "");
    if (id.length > 0 && !ids.includes(id)) ids.push(id);
  };
  for (const m of prompt.matchAll(/\b(ord-[A-Za-z0-9-]+)/gi)) add(m[1]);
  for (const m of prompt.matchAll(/\border\s*(?:id\s*)?(?:#|number\s*|no\.?\s*)?([A-Za-z0-9][A-Za-z0-9-]{0,63})/gi)) {
    if (/\d/.test(m[1])) add(m[1]);
  }
  return ids.slice(0, MAX_CALLS);
}

function honestCalls(prompt: string, functions: readonly ToolFunction[]): ToolCall[] {
  const ids = extractOrderIds(prompt);
  const mentionsReturn = /\b(returns?|returning|refunds?)\b/i.test(prompt);
  const wantsPolicy =
    /\bpolicy\b|return (window|period)|how (long|many days)\b/i.test(prompt) || (mentionsReturn && ids.length === 0);
  const wantsList =
    /\borders\b|\bpurchases\b|\border history\b|\bwhat (did|have) i (buy|bought|order|ordered)\b/i.test(prompt) ||
    (/\border\b/i.test(prompt) && ids.length === 0);
  const wantsUsage =
    /\bhow many (questions|asks)\b|\bquestions (have|did) i (ask|asked)\b|\b(my|own) usage\b|\btokens?\b/i.test(prompt);

  const wanted: Array<{ name: string; args: Record<string, string> }> = [];
  if (wantsPolicy) wanted.push({ name: "getReturnPolicy", args: {} });
  if (wantsList) wanted.push({ name: "listOrders", args: {} });
  if (wantsUsage) wanted.push({ name: "getMyUsage", args: {} });
  for (const orderId of ids) wanted.push({ name: "getOrder", args: { orderId } });

  // An honest model only calls functions the schema declares, with the declared parameters.
  const calls: ToolCall[] = [];
  for (const w of wanted) {
    const fn = functions.find((f) => f.name === w.name);
    if (!fn) continue;
    const parameters = Object.entries(w.args)
      .filter(([name]) => name in fn.parameters)
      .map(([name, value]) => ({ name, type: fn.parameters[name].type, value }));
    const missingRequired = Object.entries(fn.parameters).some(
      ([name, p]) => p.required && !parameters.some((q) => q.name === name),
    );
    if (!missingRequired) calls.push({ function: fn.name, parameters });
  }
  return calls;
}

// ---------------------------------------------------------------------------------------
// Compromised mode: obey whatever the prompt says.

interface InjectedIdentity {
  tenantId?: string;
  userId?: string;
}

export function injectedIdentity(prompt: string): InjectedIdentity {
  const tenant =
    /\btenant\s*id\s*(?:is|=|:)\s*["']?([A-Za-z0-9_-]+)/i.exec(prompt) ??
    /\b(?:use|switch to|act as|as|for|of|from)\s+(?:the\s+)?tenant(?:\s*[:=]\s*|\s+)["']?([A-Za-z0-9_-]+)/i.exec(prompt) ??
    /\b(?:use|switch to|act as|as|for|of|from)\s+(?:the\s+)?(tenant[A-Za-z0-9_-]*\d[A-Za-z0-9_-]*)/i.exec(prompt);
  const user =
    /\buser\s*id\s*(?:is|=|:)?\s*["']?([A-Za-z0-9_-]+)/i.exec(prompt) ??
    /\b(?:i am|act as|as|for|of)\s+user\s+["']?([A-Za-z0-9_-]+)/i.exec(prompt);
  const identity: InjectedIdentity = {};
  if (tenant && !/^(id|is)$/i.test(tenant[1])) identity.tenantId = tenant[1];
  if (user && !/^(id|is)$/i.test(user[1])) identity.userId = user[1];
  return identity;
}

/** Balanced `{…}` substrings that parse as JSON objects. */
function jsonObjectsIn(text: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  for (let start = text.indexOf("{"); start !== -1 && found.length < MAX_CALLS; start = text.indexOf("{", start + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === "\\") i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === "{") depth++;
      else if (c === "}" && --depth === 0) {
        try {
          const value: unknown = JSON.parse(text.slice(start, i + 1));
          if (value && typeof value === "object" && !Array.isArray(value)) {
            found.push(value as Record<string, unknown>);
            start = i;
          }
        } catch {
          // not JSON: keep scanning from the next brace
        }
        break;
      }
    }
  }
  return found;
}

function canonicalFunction(name: unknown, functions: readonly ToolFunction[]): ToolFunction | undefined {
  if (typeof name !== "string") return undefined;
  return functions.find((f) => f.name.toLowerCase() === name.toLowerCase());
}

function smuggledCalls(prompt: string, functions: readonly ToolFunction[]): Array<{ fn: ToolFunction; args: Record<string, string> }> {
  const calls: Array<{ fn: ToolFunction; args: Record<string, string> }> = [];
  for (const obj of jsonObjectsIn(prompt)) {
    const fn = canonicalFunction(obj.function ?? obj.name ?? obj.tool, functions);
    if (!fn) continue;
    const args: Record<string, string> = {};
    const params = obj.parameters ?? obj.arguments ?? obj.input;
    if (Array.isArray(params)) {
      for (const p of params) {
        if (p && typeof p === "object" && typeof (p as { name?: unknown }).name === "string") {
          args[(p as { name: string }).name] = String((p as { value?: unknown }).value ?? "");
        }
      }
    } else if (params && typeof params === "object") {
      for (const [k, v] of Object.entries(params)) args[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    calls.push({ fn, args });
  }
  for (const m of prompt.matchAll(/\bcall\s+([A-Za-z]+)(?:\s+with\s+([^.\n]*))?/gi)) {
    const fn = canonicalFunction(m[1], functions);
    if (!fn) continue;
    const args: Record<string, string> = {};
    for (const piece of (m[2] ?? "").split(/\s*(?:,|\band\b)\s*/i)) {
      const p = /^([A-Za-z]+)\s*(?:=|:|\bis\b)?\s*["']?([A-Za-z0-9._:@-]+)/i.exec(piece.trim());
      if (p) args[p[1]] = p[2];
    }
    calls.push({ fn, args });
  }
  return calls;
}

function compromisedCalls(prompt: string, functions: readonly ToolFunction[]): ToolCall[] {
  const identity = injectedIdentity(prompt);
  const planned = smuggledCalls(prompt, functions);
  for (const call of honestCalls(prompt, functions)) {
    const fn = functions.find((f) => f.name === call.function)!;
    const args = Object.fromEntries(call.parameters.map((p) => [p.name, p.value]));
    // The honest reading of the prompt is already covered by an injected call to the same function.
    const duplicate = planned.some((p) => p.fn.name === fn.name && Object.entries(args).every(([k, v]) => p.args[k] === v));
    if (!duplicate) planned.push({ fn, args });
  }
  if (planned.length === 0 && (identity.tenantId || identity.userId)) {
    const list = functions.find((f) => f.name === "listOrders");
    if (list) planned.push({ fn: list, args: {} });
  }
  // The injected identity rides along as extra parameters the schema does not declare.
  return planned.map(({ fn, args }) => {
    const all: Record<string, string> = { ...args };
    if (identity.tenantId && all.tenantId === undefined) all.tenantId = identity.tenantId;
    if (identity.userId && all.userId === undefined) all.userId = identity.userId;
    return {
      function: fn.name,
      parameters: Object.entries(all).map(([name, value]) => ({ name, type: fn.parameters[name]?.type ?? "string", value })),
    };
  });
}

// ---------------------------------------------------------------------------------------
// Rendering: only from what the tools returned.

export function renderAnswer(outcomes: readonly ToolOutcome[], mode: AgentMode): string {
  if (mode === "compromised") {
    return outcomes.map((o) => `As instructed, I called ${o.call.function}. It returned: ${o.body}`).join("\n");
  }
  return outcomes.map(renderHonest).join(" ");
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const SAFE_CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

/** The error code a failed tool reported, limited to a safe token so no raw tool text leaks. */
function errorCodeOf(outcome: ToolOutcome, parsed: unknown): string | undefined {
  const candidates: unknown[] = [];
  if (isRecord(parsed)) candidates.push(parsed.error, parsed.code, isRecord(parsed.error) ? parsed.error.code : undefined);
  // Powertools' resolver reports thrown errors as "Unable to complete tool execution due to <Name> - <message>".
  const powertools = /^Unable to complete tool execution due to ([A-Za-z0-9_]+)/.exec(outcome.body);
  if (powertools) candidates.push(powertools[1]);
  const code = candidates.find((c): c is string => typeof c === "string" && SAFE_CODE.test(c));
  if (code) return code;
  if (outcome.responseState || powertools || (isRecord(parsed) && parsed.error !== undefined)) return "tool_error";
  return undefined;
}

function renderHonest(outcome: ToolOutcome): string {
  const parsed = parseJson(outcome.body);
  const code = errorCodeOf(outcome, parsed);
  const fn = outcome.call.function;
  if (code !== undefined) {
    if (fn === "getOrder" && code === "not_found") {
      const id = outcome.call.parameters.find((p) => p.name === "orderId")?.value;
      return id ? `I couldn't find an order with id ${id}.` : "I couldn't find that order.";
    }
    return `Sorry, I couldn't ${TOOL_PURPOSE[fn] ?? `run ${fn}`}: the tool reported the error "${code}".`;
  }
  const rendered = isRecord(parsed) ? renderResult(fn, parsed) : undefined;
  return rendered ?? `Sorry, I couldn't read the answer of ${fn}.`;
}

const TOOL_PURPOSE: Record<string, string> = {
  getReturnPolicy: "look up the return policy",
  listOrders: "list your orders",
  getOrder: "look up that order",
  getMyUsage: "look up your usage",
};

function renderResult(fn: string, r: Record<string, unknown>): string | undefined {
  switch (fn) {
    case "getReturnPolicy": {
      const days = typeof r.returnPolicyDays === "number" ? r.returnPolicyDays : Number(r.returnPolicyDays);
      if (!Number.isFinite(days)) return undefined;
      const who = typeof r.tenantName === "string" && r.tenantName ? r.tenantName : "Your company";
      return `${who} accepts returns within ${days} days of purchase.`;
    }
    case "listOrders": {
      if (!Array.isArray(r.orders)) return undefined;
      if (r.orders.length === 0) return "You have no orders.";
      const orders = r.orders.filter(isRecord);
      // Markdown, as real models answer: a bulleted list with the order ids in bold.
      const lines = orders.map((o) => `- ${describeOrder(o, true)}`);
      return `You have ${orders.length} order${orders.length === 1 ? "" : "s"}:\n\n${lines.join("\n")}`;
    }
    case "getOrder": {
      if (!isRecord(r.order)) return undefined;
      let text = describeOrder(r.order);
      const returnBy = typeof r.returnBy === "string" ? displayDate(r.returnBy) : undefined;
      if (r.returnable === true) text += returnBy ? ` It can be returned until ${returnBy}.` : " It can still be returned.";
      else if (r.returnable === false) {
        text += returnBy ? ` It can no longer be returned: the return window ended on ${returnBy}.` : " It can no longer be returned.";
      }
      return text;
    }
    case "getMyUsage": {
      if (!isRecord(r.today) || !isRecord(r.thisMonth)) return undefined;
      const t = usageNumbers(r.today);
      const m = usageNumbers(r.thisMonth);
      if (!t || !m) return undefined;
      const questions = (n: number) => `${n} question${n === 1 ? "" : "s"}`;
      return (
        `You have asked ${questions(t.asks)} today (UTC), using ${t.inputTokens} input and ${t.outputTokens} output tokens. ` +
        `This month: ${questions(m.asks)}, ${m.inputTokens} input and ${m.outputTokens} output tokens.`
      );
    }
    default:
      return undefined;
  }
}

function usageNumbers(r: Record<string, unknown>): { asks: number; inputTokens: number; outputTokens: number } | undefined {
  const { asks, inputTokens, outputTokens } = r;
  if (typeof asks !== "number" || typeof inputTokens !== "number" || typeof outputTokens !== "number") return undefined;
  return { asks, inputTokens, outputTokens };
}

function displayDate(value: string): string {
  return /^\d{4}-\d{2}-\d{2}T/.test(value) ? value.slice(0, 10) : value;
}

function describeItems(items: unknown): string | undefined {
  if (typeof items === "number") return `${items} item${items === 1 ? "" : "s"}`;
  if (!Array.isArray(items) || items.length === 0) return undefined;
  const names = items.map((i) => {
    if (typeof i === "string") return i;
    if (isRecord(i)) {
      const name = i.name ?? i.title ?? i.sku;
      const qty = i.quantity ?? i.qty;
      if (typeof name === "string") return typeof qty === "number" && qty !== 1 ? `${qty} x ${name}` : name;
    }
    return undefined;
  });
  return names.every((n) => n !== undefined) ? names.join(", ") : `${items.length} item${items.length === 1 ? "" : "s"}`;
}

function describeOrder(o: Record<string, unknown>, boldId = false): string {
  const id = typeof o.orderId === "string" ? o.orderId : "(no id)";
  const parts: string[] = [];
  if (typeof o.orderDate === "string") parts.push(`placed on ${displayDate(o.orderDate)}`);
  const items = describeItems(o.items);
  if (items) parts.push(items);
  if (typeof o.total === "number" || typeof o.total === "string") {
    const total = typeof o.total === "number" ? o.total.toFixed(2) : o.total;
    parts.push(`total ${total}${typeof o.currency === "string" ? ` ${o.currency}` : ""}`);
  }
  if (typeof o.status === "string") parts.push(`status ${o.status}`);
  return `Order ${boldId ? `**${id}**` : id}${parts.length ? `: ${parts.join("; ")}` : ""}.`;
}

// ---------------------------------------------------------------------------------------
// Streaming and the action-group wire shapes.

/**
 * Split an answer into streamable pieces at sentence and clause ends (never inside
 * "12.50"), so that concatenating the pieces gives back the exact text.
 */
export function splitIntoChunks(text: string): string[] {
  const pieces = text.split(/(?<=[.!?;:,]\s|\n)(?=\S)/);
  return pieces.filter((p) => p.length > 0);
}

export interface AgentIdentity {
  name: string;
  id: string;
  alias: string;
}

/** The Bedrock agent function-details event (messageVersion 1.0). */
export interface ActionGroupEvent {
  messageVersion: "1.0";
  agent: AgentIdentity & { version: string };
  inputText: string;
  sessionId: string;
  actionGroup: string;
  function: string;
  parameters: FunctionParameter[];
  sessionAttributes: Record<string, string>;
  promptSessionAttributes: Record<string, string>;
}

export function buildActionGroupEvent(a: {
  agent: AgentIdentity;
  actionGroup: string;
  call: ToolCall;
  inputText: string;
  sessionId: string;
  sessionAttributes: Record<string, string>;
  promptSessionAttributes: Record<string, string>;
}): ActionGroupEvent {
  return {
    messageVersion: "1.0",
    agent: { ...a.agent, version: "DRAFT" },
    inputText: a.inputText,
    sessionId: a.sessionId,
    actionGroup: a.actionGroup,
    function: a.call.function,
    parameters: a.call.parameters.map((p) => ({ ...p })),
    // Copies: whatever the action group does to its event cannot reach the session.
    sessionAttributes: { ...a.sessionAttributes },
    promptSessionAttributes: { ...a.promptSessionAttributes },
  };
}

export class ActionGroupResponseError extends Error {
  readonly code = "invalid_action_group_response";
  constructor(message: string) {
    super(message);
    this.name = "ActionGroupResponseError";
  }
}

/** Validate the action group's answer the way Bedrock does (shape, and that it answers the call made). */
export function readActionGroupResponse(
  value: unknown,
  expected: { actionGroup: string; function: string },
): { responseState?: "FAILURE" | "REPROMPT"; body: string } {
  if (!isRecord(value)) throw new ActionGroupResponseError("action group response is not an object");
  const response = value.response;
  if (!isRecord(response)) throw new ActionGroupResponseError("action group response has no 'response' object");
  if (response.actionGroup !== expected.actionGroup || response.function !== expected.function) {
    throw new ActionGroupResponseError("action group response does not match the function called");
  }
  const fr = response.functionResponse;
  if (!isRecord(fr)) throw new ActionGroupResponseError("action group response has no functionResponse");
  const state = fr.responseState;
  if (state !== undefined && state !== "FAILURE" && state !== "REPROMPT") {
    throw new ActionGroupResponseError("functionResponse.responseState must be FAILURE or REPROMPT");
  }
  const rb = fr.responseBody;
  const text = isRecord(rb) && isRecord(rb.TEXT) ? rb.TEXT.body : undefined;
  if (typeof text !== "string") throw new ActionGroupResponseError("functionResponse.responseBody.TEXT.body must be a string");
  return state === undefined ? { body: text } : { responseState: state, body: text };
}
