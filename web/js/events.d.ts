// Types for events.js.
export type ServerEvent =
  | { type: "accepted"; answerId: string }
  | { type: "status"; answerId: string; text: string }
  | { type: "chunk"; answerId: string; text: string }
  | { type: "done"; answerId: string }
  | { type: "error"; answerId?: string; code: string; message: string }
  | { type: "pong" };
export declare const EVENT_TYPES: readonly ServerEvent["type"][];
export declare function parseServerEvent(data: unknown): { ok: true; event: ServerEvent } | { ok: false; reason: string };
