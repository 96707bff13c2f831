/**
 * The user's conversations in a real browser (issue 14 item 4): kept per user in
 * localStorage, so two users of one browser never see each other's, sign-out and a new
 * page keep them (and the question the page said it kept), "New conversation" keeps the
 * old one listed, each conversation asks in its own conversationId, rename and delete,
 * and a reload mid-answer keeps the text so far, marked interrupted.
 */
import type { Page } from "playwright-core";
import { browserSuite, confirmedUsers } from "./support/browser-suite";
import { answerTexts, ask, finishedAnswer, signInWithPassword, UI_TIMEOUT_MS, waitForConnected } from "./support/chat-page";

jest.setTimeout(60_000);


/** This file's own users (the demo users' first sign-in belongs to chat.test.ts). */
const USERS = { tenant1: "e2e-conversations-t1", tenant2: "e2e-conversations-t2", tenant3: "e2e-conversations-t3" } as const;
const PASSWORD = "Conversations-pass-42";

const suite = browserSuite(confirmedUsers(...Object.entries(USERS).map(([tenantId, username]) => ({ username, tenantId, password: PASSWORD }))));

function signIn(page: Page, username: string): Promise<void> {
  return signInWithPassword(page, suite.stack.webUrl, username, PASSWORD);
}

async function newPage(): Promise<Page> {
  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 800 } });
  return context.newPage();
}

async function signOut(page: Page): Promise<void> {
  await page.click("#sign-out");
  await page.waitForSelector("#signin-view:not([hidden])", { timeout: UI_TIMEOUT_MS });
}

async function lastAnswerId(page: Page): Promise<string> {
  const bubble = page.locator(".message.assistant[data-answer-id]").last();
  await bubble.waitFor({ timeout: UI_TIMEOUT_MS });
  return (await bubble.getAttribute("data-answer-id")) ?? "";
}

function listTitles(page: Page): Promise<string[]> {
  return page.$$eval("#conversation-list .conversation-open", (nodes) => nodes.map((n) => n.textContent ?? ""));
}

function conversation(page: Page, title: string) {
  return page.locator("#conversation-list .conversation", { has: page.locator(".conversation-open", { hasText: title }) });
}

/** The conversationId of every ask the page sends. */
function watchAsks(page: Page): string[] {
  const ids: string[] = [];
  page.on("websocket", (ws) =>
    ws.on("framesent", (frame) => {
      const message = JSON.parse(String(frame.payload)) as { action?: string; conversationId?: string };
      if (message.action === "ask" && message.conversationId) ids.push(message.conversationId);
    }),
  );
  return ids;
}

test("two users of one browser each see only their own conversations, and get them back after signing out", async () => {
  const page = await newPage();
  await signIn(page, USERS.tenant1);
  await waitForConnected(page);
  const question = "What is the return policy?";
  expect((await finishedAnswer(page, await ask(page, question))).text).toMatch(/\b10 days\b/);
  // A question typed but not sent: the page keeps it for this user.
  await page.fill("#prompt", "Unsent question for later");
  await page.waitForFunction(
    () => Object.keys(localStorage).some((k) => k.startsWith("mta.history.") && (localStorage.getItem(k) ?? "").includes("Unsent question for later")),
    undefined,
    { timeout: UI_TIMEOUT_MS },
  );
  await signOut(page);
  await expect(page.inputValue("#prompt")).resolves.toBe("");

  // Another user, same browser (same localStorage).
  await signIn(page, USERS.tenant2);
  await waitForConnected(page);
  await expect(listTitles(page)).resolves.toEqual(["New conversation"]);
  const seen = (await page.textContent("body")) ?? "";
  expect(seen).not.toContain(question);
  expect(seen).not.toMatch(/\b10 days\b/);
  await expect(page.inputValue("#prompt")).resolves.toBe("");
  expect((await finishedAnswer(page, await ask(page, "List my orders"))).phase).toBe("done");
  const keys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("mta.history.")));
  expect(keys).toHaveLength(2);
  await signOut(page);

  // The first user again: their conversation and their unsent question are back, nothing of the other's.
  await signIn(page, USERS.tenant1);
  await waitForConnected(page);
  await expect(listTitles(page)).resolves.toEqual([question]);
  expect((await answerTexts(page)).join("\n")).toMatch(/\b10 days\b/);
  await expect(page.inputValue("#prompt")).resolves.toBe("Unsent question for later");
  expect((await page.textContent("body")) ?? "").not.toContain("List my orders");
});

test("New conversation keeps the old one; each conversation asks in its own conversationId; rename and delete survive a reload", async () => {
  const page = await newPage();
  const asks = watchAsks(page);
  await signIn(page, USERS.tenant3);
  await waitForConnected(page);
  await finishedAnswer(page, await ask(page, "What is the return policy?"));
  await page.click("#new-conversation");
  await expect(page.locator(".message").count()).resolves.toBe(0);
  await expect(listTitles(page)).resolves.toEqual(["New conversation", "What is the return policy?"]);
  await finishedAnswer(page, await ask(page, "What do you sell?"));
  await expect(listTitles(page)).resolves.toEqual(["What do you sell?", "What is the return policy?"]);

  // Back to the first: its turns are shown and the next question goes to its agent session.
  await conversation(page, "What is the return policy?").locator(".conversation-open").click();
  await expect(page.locator(".message.user .text").allTextContents()).resolves.toEqual(["What is the return policy?"]);
  expect((await finishedAnswer(page, await ask(page, "How many days was that?"))).text).toMatch(/\b30 days\b/);
  expect(asks).toHaveLength(3);
  expect(asks[0]).toBe(asks[2]);
  expect(asks[1]).not.toBe(asks[0]);

  await conversation(page, "What is the return policy?").locator(".conversation-rename").click();
  await page.fill("#conversation-list .conversation-title-input", "Returns");
  await page.press("#conversation-list .conversation-title-input", "Enter");
  await expect(listTitles(page)).resolves.toEqual(["Returns", "What do you sell?"]);

  page.once("dialog", (dialog) => void dialog.accept());
  // Rename and Delete show on the conversation shown and on the one pointed at.
  await conversation(page, "What do you sell?").hover();
  await conversation(page, "What do you sell?").locator(".conversation-delete").click();
  await expect(listTitles(page)).resolves.toEqual(["Returns"]);

  await page.reload();
  await waitForConnected(page);
  await expect(listTitles(page)).resolves.toEqual(["Returns"]);
  await expect(page.locator(".message.user .text").allTextContents()).resolves.toEqual(["What is the return policy?", "How many days was that?"]);
  await expect(page.getAttribute('#conversation-list .conversation[data-current="true"] .conversation-open', "aria-current")).resolves.toBe("true");
});

test("a reload mid-answer keeps the text that had arrived, marked interrupted", async () => {
  const page = await newPage();
  await signIn(page, USERS.tenant1);
  await waitForConnected(page);
  const answerId = await ask(page, "List my orders [[slow]]");
  const bubble = `.message.assistant[data-answer-id="${answerId}"]`;
  await page.waitForFunction((s) => (document.querySelector(`${s} .text`)?.textContent ?? "").length > 0, bubble, { timeout: UI_TIMEOUT_MS });
  const before = (await page.textContent(`${bubble} .text`)) ?? "";
  await page.reload();
  await waitForConnected(page);
  await page.waitForSelector(`${bubble}[data-phase="error"]`, { timeout: UI_TIMEOUT_MS });
  const after = (await page.textContent(`${bubble} .text`)) ?? "";
  expect(before.length).toBeGreaterThan(0);
  expect(after.startsWith(before)).toBe(true);
  await expect(page.textContent(`${bubble} .error-text`)).resolves.toContain("interrupted");
  // What was cut off can be asked again.
  await expect(page.locator(`${bubble} .actions button`).allTextContents()).resolves.toEqual(["Copy", "Retry"]);
});

test("a question the page said it kept while offline is still there after sign-out and in a new tab", async () => {
  const page = await newPage();
  const context = page.context();
  await signIn(page, USERS.tenant3);
  await waitForConnected(page);
  const question = "Kept while offline: what is the return policy?";
  await context.setOffline(true);
  await page.waitForFunction(() => document.querySelector("#connection-state")?.textContent === "offline", undefined, { timeout: UI_TIMEOUT_MS });
  await page.fill("#prompt", question);
  await page.press("#prompt", "Enter");
  await expect(page.textContent("#composer-error")).resolves.toContain("your question is kept");
  await expect(page.inputValue("#prompt")).resolves.toBe(question);
  await context.setOffline(false);
  await waitForConnected(page);

  await signOut(page);
  await signIn(page, USERS.tenant3);
  await waitForConnected(page);
  await expect(page.inputValue("#prompt")).resolves.toBe(question);

  // The tab closed (its session with it); a new tab of the same browser, signed in again.
  await page.close();
  const again = await context.newPage();
  await signIn(again, USERS.tenant3);
  await waitForConnected(again);
  await expect(again.inputValue("#prompt")).resolves.toBe(question);
  // And it can be sent now: the allowed path.
  await again.press("#prompt", "Enter");
  await expect(again.inputValue("#prompt")).resolves.toBe("");
  expect((await finishedAnswer(again, await lastAnswerId(again))).phase).toBe("done");
});
