/**
 * Issue 14, items 2 and 4 (Stop, Retry, Copy, timestamps) in Chromium against the e2e
 * local stack: Stop sends the stop frame and the answer ends as "stopped" mid-stream
 * (the server's `done` `stopped: true`, I16); Retry asks the same question again in the
 * same conversation; Copy puts the answer on the clipboard, through the Clipboard API or
 * the fallback when the page may not use it, and says "Copied"; questions and answers
 * carry `<time datetime>`; an answer the server ends with an error keeps its text and
 * offers Copy and Retry. Slow and failing answers use the local agent's hooks.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { MID_STREAM_THROTTLE_MARKER, SLOW_MARKER } from "../../local/bedrock/agent-runtime";
import { browserSuite, confirmedUsers } from "./support/browser-suite";
import { ask, finishedAnswer, submitPassword, UI_TIMEOUT_MS, waitForConnected } from "./support/chat-page";

const USERNAME = "e2e-answer-actions-user";
const PASSWORD = "Answer-actions-pass-42";
const SLOW_PROMPT = `${SLOW_MARKER} tell me something long`;

jest.setTimeout(60_000);


const suite = browserSuite(confirmedUsers({ username: USERNAME, tenantId: "tenant1", password: PASSWORD }));

interface SignedIn {
  context: BrowserContext;
  page: Page;
  /** Every frame the page sent, parsed. */
  sent: Record<string, unknown>[];
}

async function signedIn(options: Parameters<Browser["newContext"]>[0] = {}, init?: () => void): Promise<SignedIn> {
  const context = await suite.browser.newContext(options);
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const sent: Record<string, unknown>[] = [];
  page.on("websocket", (ws) => ws.on("framesent", (frame) => sent.push(JSON.parse(String(frame.payload)) as Record<string, unknown>)));
  await page.goto(suite.stack.webUrl);
  if ((await submitPassword(page, USERNAME, PASSWORD)) !== "signed_in") throw new Error(`sign-in failed: ${await page.textContent("#signin-error")}`);
  await waitForConnected(page);
  return { context, page, sent };
}

const bubble = (page: Page, answerId: string) => page.locator(`.message.assistant[data-answer-id="${answerId}"]`);

/** Asks a slow question and waits until some of its text is on the page. */
async function askSlow(page: Page): Promise<string> {
  const answerId = await ask(page, SLOW_PROMPT);
  await page.waitForFunction((id) => (document.querySelector(`[data-answer-id="${id}"] .text`)?.textContent ?? "").trim().length > 0, answerId, {
    timeout: UI_TIMEOUT_MS,
  });
  return answerId;
}

test("Stop ends a streaming answer as stopped, keeps its text, and Retry asks the same question again", async () => {
  const { context, page, sent } = await signedIn();
  const answerId = await askSlow(page);
  const answer = bubble(page, answerId);
  await expect(answer.locator(".actions .copy").count()).resolves.toBe(0);

  await answer.locator(".actions .stop").click();
  const stoppedAt = Date.now();
  expect(sent.filter((f) => f.action === "stop")).toEqual([{ action: "stop", answerId }]);
  await page.waitForSelector(`.message.assistant[data-answer-id="${answerId}"][data-phase="stopped"]`, { timeout: UI_TIMEOUT_MS });
  expect(Date.now() - stoppedAt).toBeLessThan(5_000);
  await expect(answer.locator(".stopped-text").textContent()).resolves.toBe("Stopped. The text above is all the assistant wrote.");
  await expect(answer.getAttribute("aria-busy")).resolves.toBe("false");
  await expect(answer.locator(".progress").count()).resolves.toBe(0);
  await expect(answer.locator(".actions .stop").count()).resolves.toBe(0);
  const textAtStop = await answer.locator(".text").textContent();
  // Nothing more arrives for it (the slow answer would run for ~7 s).
  await page.waitForTimeout(1_500);
  await expect(answer.locator(".text").textContent()).resolves.toBe(textAtStop);

  // Retry: the same question, a new answer, the same conversation.
  const asks = () => sent.filter((f) => f.action === "ask");
  await answer.locator(".actions .retry").click();
  await page.waitForFunction(() => document.querySelectorAll(".message.assistant").length === 2, undefined, { timeout: UI_TIMEOUT_MS });
  expect(asks()).toHaveLength(2);
  expect(asks()[1]).toMatchObject({ prompt: SLOW_PROMPT, conversationId: asks()[0].conversationId });
  expect(asks()[1].answerId).not.toBe(answerId);
  await expect(page.locator(".message.user .text").allTextContents()).resolves.toEqual([SLOW_PROMPT, SLOW_PROMPT]);
  const retried = String(asks()[1].answerId);
  await bubble(page, retried).locator(".actions .stop").click();
  await page.waitForSelector(`[data-answer-id="${retried}"][data-phase="stopped"]`, { timeout: UI_TIMEOUT_MS });
  await context.close();
});

test("an answer the server ends with an error keeps its text so far and offers Copy and Retry", async () => {
  const { context, page, sent } = await signedIn();
  // The local model fails after its first chunk, as Bedrock does when throttled mid-stream.
  const prompt = `What is your return policy? ${MID_STREAM_THROTTLE_MARKER}`;
  const answerId = await ask(page, prompt);
  const failed = await finishedAnswer(page, answerId);
  expect(failed.phase).toBe("error");
  expect(failed.text.length).toBeGreaterThan(0);
  const answer = bubble(page, answerId);
  await expect(answer.locator(".actions button").allTextContents()).resolves.toEqual(["Copy", "Retry"]);
  await answer.locator(".actions .retry").click();
  await page.waitForFunction(() => document.querySelectorAll(".message.assistant").length === 2, undefined, { timeout: UI_TIMEOUT_MS });
  const asks = sent.filter((f) => f.action === "ask");
  expect(asks.map((f) => f.prompt)).toEqual([prompt, prompt]);
  expect(asks[1].conversationId).toBe(asks[0].conversationId);
  await context.close();
});

test("Copy puts the answer on the clipboard and says Copied; every message has its time", async () => {
  const { context, page } = await signedIn({ permissions: ["clipboard-read", "clipboard-write"] });
  const before = Date.now();
  const answerId = await ask(page, "What is your return policy?");
  const done = await finishedAnswer(page, answerId);
  expect(done.phase).toBe("done");
  const answer = bubble(page, answerId);
  await expect(answer.locator(".actions .retry").count()).resolves.toBe(0);

  await answer.locator(".actions .copy").click();
  await page.waitForFunction((id) => document.querySelector(`[data-answer-id="${id}"] .copy-status`)?.textContent === "Copied", answerId, {
    timeout: UI_TIMEOUT_MS,
  });
  await expect(answer.locator(".copy-status").isVisible()).resolves.toBe(true);
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied.length).toBeGreaterThan(20);
  // The Markdown source: the rendered text is the same words without the markup.
  expect(done.text.replace(/\s+/g, "")).toContain(copied.replace(/[*_`#>-]/g, "").replace(/\s+/g, "").slice(0, 20));

  // Times: when the question was asked and when the answer ended, as machine-readable datetimes.
  const times = await page.$$eval(".message time[datetime]", (nodes) => nodes.map((n) => ({ at: n.getAttribute("datetime") ?? "", text: n.textContent ?? "" })));
  expect(times).toHaveLength(2);
  for (const t of times) {
    const at = Date.parse(t.at);
    expect(at).toBeGreaterThanOrEqual(before - 1_000);
    expect(at).toBeLessThanOrEqual(Date.now());
    expect(t.text).toMatch(/\d{1,2}[:.]\d{2}/);
  }
  await context.close();
});

test("Copy falls back to the copy command where the Clipboard API is not available", async () => {
  const { context, page } = await signedIn({}, () => {
    // A page served over plain http on a LAN address has no navigator.clipboard.
    Object.defineProperty(Navigator.prototype, "clipboard", { get: () => undefined, configurable: true });
    document.addEventListener("copy", (event) => {
      const target = event.target as HTMLTextAreaElement | null;
      (window as unknown as { __copied: string[] }).__copied ??= [];
      (window as unknown as { __copied: string[] }).__copied.push(target?.value ?? "");
    });
  });
  const answerId = await ask(page, "What is your return policy?");
  await finishedAnswer(page, answerId);
  await bubble(page, answerId).locator(".actions .copy").click();
  await page.waitForFunction((id) => document.querySelector(`[data-answer-id="${id}"] .copy-status`)?.textContent === "Copied", answerId, {
    timeout: UI_TIMEOUT_MS,
  });
  const copied = await page.evaluate(() => (window as unknown as { __copied?: string[] }).__copied ?? []);
  expect(copied).toHaveLength(1);
  expect(copied[0].length).toBeGreaterThan(20);
  // The hidden text area is gone again.
  await expect(page.locator("textarea").count()).resolves.toBe(1);
  await context.close();
});
