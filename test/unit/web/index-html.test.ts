/**
 * Static checks of the page: every selector the browser tests rely on exists, and nothing
 * in the markup needs the CSP relaxed (no inline script, style or event handler).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const webDir = join(__dirname, "../../../web");
const html = readFileSync(join(webDir, "index.html"), "utf8");
const jsDir = join(webDir, "js");
const scripts = readdirSync(jsDir)
  .filter((f) => f.endsWith(".js"))
  .map((f) => ({ file: f, text: readFileSync(join(jsDir, f), "utf8") }));

describe("web/index.html", () => {
  it.each([
    "username",
    "password",
    "new-password",
    "sign-in",
    "sign-out",
    "signin-error",
    "prompt",
    "send",
    "new-conversation",
    "connection-state",
    "who",
    "password-rules",
    "signin-notice",
    "prompt-count",
    "composer-error",
    "retry-now",
    "confirm-password",
    "show-new-password",
    "new-password-account",
    "reconnect-text",
    "new-messages",
  ])("has #%s and documents it", (id) => {
    expect(html).toContain(`id="${id}"`);
    expect(html.slice(0, html.indexOf("<html"))).toContain(`#${id}`);
  });

  it("documents the message selectors", () => {
    for (const selector of [".message.user", ".message.assistant[data-answer-id]", ".message.assistant .status", ".message.assistant .text", ".message.assistant.error"]) {
      expect(html).toContain(selector);
    }
  });

  it("loads only its own module script and stylesheet, with nothing inline", () => {
    const scriptTags = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scriptTags).toEqual(['<script type="module" src="/js/main.js">']);
    expect(html).toMatch(/<script type="module" src="\/js\/main.js"><\/script>/);
    expect(html).not.toMatch(/<style\b/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/\son[a-z]+=/);
    expect(html).not.toMatch(/javascript:/i);
  });

  it("never truncates a question silently: no maxlength on the box, a live count instead", () => {
    const prompt = html.match(/<textarea id="prompt"[^>]*>/)![0];
    expect(prompt).not.toMatch(/maxlength/i);
    expect(prompt).toMatch(/aria-describedby="[^"]*prompt-count[^"]*"/);
    expect(html).toMatch(/id="prompt-count"[^>]*aria-live="off"/);
  });

  it("announces composer errors and shows the password rules with the new-password field", () => {
    expect(html).toMatch(/id="composer-error"[^>]*role="alert"/);
    expect(html).toMatch(/<input id="new-password"[^>]*aria-describedby="[^"]*password-rules[^"]*"/);
    const step = html.slice(html.indexOf('id="new-password-step"'), html.indexOf("</div>", html.indexOf('id="new-password-step"')));
    expect(step).toContain('id="password-rules"');
    expect(html).toMatch(/<div id="reconnect"[^>]*hidden>[\s\S]*id="retry-now"[^>]*>Retry now</);
  });


  it("labels every field and announces answers politely", () => {
    for (const id of ["username", "password", "new-password", "confirm-password", "prompt"]) expect(html).toContain(`<label for="${id}"`);
    expect(html).toMatch(/id="messages"[^>]*role="log"[^>]*aria-live="polite"/);
    expect(html).toMatch(/id="signin-error"[^>]*role="alert"/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1" />');
  });
});

describe("web/js", () => {
  it("never writes server data as HTML", () => {
    for (const { file, text } of scripts) {
      expect({ file, hit: /\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|\beval\(|new Function\(/.test(text) }).toEqual({ file, hit: false });
    }
  });

  it("never logs (tokens must not reach the console)", () => {
    for (const { file, text } of scripts) {
      expect({ file, hit: /\bconsole\./.test(text) }).toEqual({ file, hit: false });
    }
  });

  it("never puts the token in the WebSocket URL", () => {
    const connection = scripts.find((s) => s.file === "connection.js")!.text;
    expect(connection).toContain("new WebSocketImpl(url, [protocol, token])");
  });
});
