/**
 * `npm run screenshots`: PNGs of the page's main states for the README, written to
 * docs/screenshots/: sign-in, a chat with a formatted answer, a stopped answer,
 * reconnecting, and a phone (390×844). Boots its own local stack (free ports, a temporary
 * state directory) and drives headless Chromium with playwright-core, as the browser tests
 * do; a screenshot over 150 KB fails the run (they live in the repository).
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page, type WebSocketRoute } from "playwright-core";
import { startLocalStack } from "../local/stack";
import type { StackOutputs } from "../local/runtime/stack-outputs";
import { operatorClients } from "./operator-clients";
import { addOrder } from "./orders";
import { initialPasswordOf } from "./stack-client/initial-passwords";
import { permanentPassword } from "./stack-client/sign-in";

const OUT = join(__dirname, "..", "docs", "screenshots");
export const MAX_PNG_BYTES = 150 * 1024;
const TIMEOUT_MS = 20_000;
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const DESKTOP = { width: 1280, height: 800 };

async function shoot(page: Page, name: string): Promise<void> {
  const path = join(OUT, name);
  await page.screenshot({ path });
  const bytes = statSync(path).size;
  console.log(`  ${name.padEnd(22)} ${(bytes / 1024).toFixed(0)} KB`);
  if (bytes > MAX_PNG_BYTES) throw new Error(`${name} is ${bytes} bytes, over ${MAX_PNG_BYTES}`);
}

/** Signs `username` in through the form: the new-password step at first, the permanent password after. */
async function signIn(page: Page, outputs: StackOutputs, username: string): Promise<void> {
  const initial = await initialPasswordOf(outputs, username);
  await page.goto(outputs.webUrl ?? "");
  for (const password of [initial, permanentPassword(initial)]) {
    await page.fill("#username", username);
    await page.fill("#password", password);
    await page.click("#sign-in");
    const next = await page.waitForFunction(
      () =>
        (document.querySelector("#who")?.textContent ?? "").trim()
          ? "in"
          : document.querySelector<HTMLElement>("#new-password")?.offsetParent
            ? "new"
            : (document.querySelector("#signin-error")?.textContent ?? "").trim()
              ? "error"
              : false,
      undefined,
      { timeout: TIMEOUT_MS },
    );
    const outcome = await next.jsonValue();
    if (outcome === "in") break;
    if (outcome === "new") {
      await page.fill("#new-password", permanentPassword(initial));
      await page.fill("#confirm-password", permanentPassword(initial));
      await page.click("#sign-in");
      break;
    }
  }
  await page.waitForFunction(() => document.querySelector("#connection-state")?.textContent === "connected", undefined, { timeout: TIMEOUT_MS });
  await page.waitForFunction(() => (document.querySelector("#who")?.textContent ?? "").includes("·"), undefined, { timeout: TIMEOUT_MS });
}

/** Asks and waits until the answer has ended; returns its bubble's selector. */
async function ask(page: Page, prompt: string, until: "ended" | "streaming" = "ended"): Promise<string> {
  const before = await page.locator(".message.assistant[data-answer-id]").count();
  await page.fill("#prompt", prompt);
  await page.press("#prompt", "Enter");
  const bubble = page.locator(".message.assistant[data-answer-id]").nth(before);
  const selector = `.message.assistant[data-answer-id="${await bubble.getAttribute("data-answer-id", { timeout: TIMEOUT_MS })}"]`;
  if (until === "streaming") {
    await page.waitForFunction((s) => (document.querySelector(`${s} .text`)?.textContent ?? "").length > 40, selector, { timeout: TIMEOUT_MS });
  } else {
    await page.waitForSelector(`${selector}:is([data-phase="done"], [data-phase="error"], [data-phase="stopped"])`, { timeout: TIMEOUT_MS * 2 });
  }
  return selector;
}

async function screenshots(browser: Browser, outputs: StackOutputs): Promise<string[]> {
  const skipped: string[] = [];
  const desktop = await browser.newContext({ viewport: DESKTOP, colorScheme: "light" });
  const page = await desktop.newPage();

  await page.goto(outputs.webUrl ?? "");
  await page.waitForSelector("#signin-view:not([hidden])", { timeout: TIMEOUT_MS });
  await page.fill("#username", "tenant1-user");
  await shoot(page, "sign-in.png");

  await signIn(page, outputs, "tenant1-user");
  await ask(page, "What is the return policy?");
  await ask(page, "List my orders");
  await page.click("#new-conversation");
  await ask(page, "List my orders");
  await shoot(page, "chat.png");

  // Stopped: a slow answer, stopped with its Stop button once some text has arrived.
  await page.click("#new-conversation");
  const slow = await ask(page, "List my orders, with every detail [[slow]]", "streaming");
  const stop = page.locator(`${slow} .stop`);
  if ((await stop.count()) > 0) {
    await stop.click();
    await page.waitForSelector(`${slow}:is([data-phase="stopped"], [data-phase="done"])`, { timeout: TIMEOUT_MS });
    await shoot(page, "stopped.png");
  } else {
    skipped.push("stopped.png (this page has no Stop button)");
  }
  await desktop.close();

  // Reconnecting: the page's socket is dropped and every new one refused, so it keeps trying.
  const dropped = await browser.newContext({ viewport: DESKTOP, colorScheme: "light" });
  const reconnecting = await dropped.newPage();
  const routes: WebSocketRoute[] = [];
  let refuse = false;
  await reconnecting.routeWebSocket(outputs.webSocketUrl, (ws) => {
    if (refuse) {
      void ws.close({ code: 1011, reason: "screenshot: refused" });
      return;
    }
    ws.connectToServer();
    routes.push(ws);
  });
  await signIn(reconnecting, outputs, "tenant2-user");
  await ask(reconnecting, "What is the return policy?");
  refuse = true;
  await routes[0]?.close({ code: 1011, reason: "screenshot: dropped" });
  await reconnecting.waitForSelector("#reconnect:not([hidden])", { timeout: TIMEOUT_MS });
  await reconnecting.waitForFunction(() => (document.querySelector("#reconnect-text")?.textContent ?? "") !== "", undefined, { timeout: TIMEOUT_MS });
  await shoot(reconnecting, "reconnecting.png");
  await dropped.close();

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1, colorScheme: "light" });
  const mobile = await phone.newPage();
  await signIn(mobile, outputs, "tenant1-user");
  await ask(mobile, "List my orders");
  await shoot(mobile, "mobile.png");
  await phone.close();
  return skipped;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const stateDir = mkdtempSync(join(tmpdir(), "mta-screenshots-"));
  const stack = await startLocalStack({ ports: "free", stateDir });
  const operator = operatorClients(stack.outputs);
  let browser: Browser | undefined;
  try {
    for (const order of [
      { orderDate: "2026-11-28T09:15:00Z", total: 129.9, currency: "EUR", status: "shipped", items: ["Trail running shoes", "Merino socks"] },
      { orderDate: "2026-11-30T16:40:00Z", total: 54, currency: "EUR", status: "processing", items: ["Headlamp"] },
    ]) {
      await addOrder(operator, "tenant1-user", order);
    }
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS, timeout: TIMEOUT_MS });
    console.log(`screenshots → ${OUT}`);
    const skipped = await screenshots(browser, stack.outputs);
    for (const note of skipped) console.log(`  skipped: ${note}`);
  } finally {
    await browser?.close();
    operator.destroy();
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`screenshots failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
