/**
 * The page in a real browser against the e2e local stack (issue 5): tenant1-user's first
 * sign-in with the password change, a return-policy answer, an orders answer whose tool
 * status shows before the streamed text, and tenant2-user in a second context who sees
 * only tenant2's answers while tenant1's context keeps its own.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { browserSuite } from "./support/browser-suite";
import {
  answerTexts,
  answerTimeline,
  ask,
  finishedAnswer,
  pageIdToken,
  recordAnswerTimeline,
  signIn,
  waitForConnected,
  waitForWho,
} from "./support/chat-page";
import { addOrderFor, type TestOrder } from "../support/stack/orders";

jest.setTimeout(30_000);

const SCREENSHOTS = join(__dirname, "..", "..", "test-output", "screenshots");

const TENANT1_ORDER: TestOrder = {
  orderId: "ord-t1-1001",
  orderDate: "2026-10-28T09:15:00Z",
  total: 129.9,
  currency: "EUR",
  status: "shipped",
  items: ["Trail running shoes", "Merino socks"],
};
const TENANT2_ORDER: TestOrder = {
  orderId: "ord-t2-2001",
  orderDate: "2026-10-30T14:00:00Z",
  total: 349,
  currency: "USD",
  status: "processing",
  items: ["Espresso grinder"],
};

interface WatchedSocket {
  url: string;
  framesSent: string[];
  framesReceived: string[];
  closed: boolean;
}

/** Every WebSocket the page opens, with the frames it sends and receives. */
function watchWebSockets(page: Page): WatchedSocket[] {
  const sockets: WatchedSocket[] = [];
  page.on("websocket", (ws) => {
    const watched: WatchedSocket = { url: ws.url(), framesSent: [], framesReceived: [], closed: false };
    sockets.push(watched);
    ws.on("framesent", (frame) => watched.framesSent.push(String(frame.payload)));
    ws.on("framereceived", (frame) => watched.framesReceived.push(String(frame.payload)));
    ws.on("close", () => {
      watched.closed = true;
    });
  });
  return sockets;
}

let tenant1: { context: BrowserContext; page: Page; sockets: WatchedSocket[] } | undefined;
let tenant2: { context: BrowserContext; page: Page } | undefined;

function tenant1Page(): Page {
  if (!tenant1) throw new Error("tenant1-user is not signed in (the first-sign-in test failed)");
  return tenant1.page;
}

const suite = browserSuite(async (operator) => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await Promise.all([addOrderFor(operator, "tenant1-user", TENANT1_ORDER), addOrderFor(operator, "tenant2-user", TENANT2_ORDER)]);
});

test("tenant1-user's first sign-in asks for a new password, then shows the user, the tenant and a live connection", async () => {
  const context = await suite.browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  const sockets = watchWebSockets(page);

  const { firstSignIn } = await signIn(page, suite.stack, "tenant1-user");
  expect(firstSignIn).toBe(true);
  tenant1 = { context, page, sockets };

  await waitForWho(page, "tenant1-user · Tenant One");
  await waitForConnected(page);
  await expect(page.isVisible("#signin-view")).resolves.toBe(false);
  await expect(page.isEnabled("#send")).resolves.toBe(true);
});

test("the ID token travels in the subprotocol header, never in the WebSocket URL or a frame", async () => {
  const page = tenant1Page();
  const token = await pageIdToken(page);
  const sockets = tenant1!.sockets;
  expect(sockets).toHaveLength(1);
  expect(sockets[0].url).toBe(suite.stack.webSocketUrl);
  expect(new URL(sockets[0].url).search).toBe("");
  expect(sockets[0].url).not.toContain(token.split(".")[1]);
  expect(page.url()).not.toContain(token.split(".")[1]);
  // The connection works (so the token did reach the authorizer, via the header).
  await waitForConnected(page);
  for (const frame of sockets[0].framesSent) expect(frame).not.toContain(token.split(".")[1]);
});

test("asking the return policy answers with tenant1's 10 days, a one-line answer the server sent whole in done", async () => {
  const page = tenant1Page();
  const answerId = await ask(page, "What is the return policy?");
  const answer = await finishedAnswer(page, answerId);

  expect(answer.phase).toBe("done");
  expect(answer.text).toMatch(/\b10 days\b/);
  // No chunk event: the agent's stream ended with its only piece, so `done` carried the text.
  const events = tenant1!.sockets
    .flatMap((s) => s.framesReceived)
    .map((frame) => JSON.parse(frame) as { type: string; answerId?: string; text?: string })
    .filter((event) => event.answerId === answerId);
  expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["status", "done"]));
  expect(events.some((e) => e.type === "chunk")).toBe(false);
  expect(events.find((e) => e.type === "done")?.text).toMatch(/\b10 days\b/);
  // The page shows it, and offers to copy it.
  await expect(page.locator(`.message.assistant[data-answer-id="${answerId}"] .actions .copy`).count()).resolves.toBe(1);
  expect(answer.text).not.toMatch(/\b(20|30) days\b/);
  expect(answer.statuses).toEqual(["Looking up your return policy"]);
  await expect(page.locator(".message.user .text").last().textContent()).resolves.toBe("What is the return policy?");
  // The answer belongs to the signed-in user: its id is "<sub>.<id>".
  expect(answerId).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9-]+$/);
});

test("asking what the company sells answers from tenant1's own documents and lists the sources under the answer, as text (I18)", async () => {
  const page = tenant1Page();
  const answerId = await ask(page, "What do you sell?");
  const answer = await finishedAnswer(page, answerId);
  expect(answer.phase).toBe("done");
  expect(answer.text).toContain("hiking and camping gear");
  expect(answer.text).not.toContain("coffee");
  const sources = page.locator(`.message.assistant[data-answer-id="${answerId}"] .citations`);
  await expect(sources.textContent()).resolves.toBe("Sources: catalogue.md");
  await expect(sources.evaluate((node) => node.children.length)).resolves.toBe(0);
});

test("asking for orders shows the tool status line first, then the answer streamed chunk by chunk", async () => {
  const page = tenant1Page();
  await recordAnswerTimeline(page);
  const answerId = await ask(page, "List my orders");
  const answer = await finishedAnswer(page, answerId);

  expect(answer.phase).toBe("done");
  expect(answer.statuses).toEqual(["Looking up your orders"]);
  expect(answer.text).toContain("ord-t1-1001");
  expect(answer.text).toContain("Trail running shoes");
  expect(answer.text).not.toContain("ord-t2-2001");

  const timeline = await answerTimeline(page, answerId);
  const firstStatus = timeline.findIndex((s) => s.statuses > 0);
  const firstText = timeline.findIndex((s) => s.textLength > 0);
  expect(firstStatus).toBeGreaterThanOrEqual(0);
  expect(firstText).toBeGreaterThan(firstStatus);
  expect(timeline[firstStatus].textLength).toBe(0);
  // Streamed: the text was seen partly written, in the streaming phase, before done.
  const partial = timeline.filter((s) => s.phase === "streaming" && s.textLength > 0 && s.textLength < answer.text.length);
  expect(partial.length).toBeGreaterThanOrEqual(1);
  expect(timeline[timeline.length - 1].phase).toBe("done");

  await page.screenshot({ path: join(SCREENSHOTS, "tenant1-chat.png") });
});

test("tenant2-user in a second context sees only tenant2's answers; tenant1's context keeps its own", async () => {
  const page1 = tenant1Page();
  const tenant1Before = await answerTexts(page1);

  const context = await suite.browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  tenant2 = { context, page };
  const { firstSignIn } = await signIn(page, suite.stack, "tenant2-user");
  expect(firstSignIn).toBe(true);
  await waitForWho(page, "tenant2-user · Tenant Two");
  await waitForConnected(page);

  // Two questions in flight at once, each answer routed to its own bubble.
  const policyId = await ask(page, "What is the return policy?");
  const ordersId = await ask(page, "List my orders");
  const [policy, orders] = await Promise.all([finishedAnswer(page, policyId), finishedAnswer(page, ordersId)]);
  expect(policy.text).toMatch(/\b20 days\b/);
  expect(orders.text).toContain("ord-t2-2001");
  const tenant2Texts = (await answerTexts(page)).join("\n");
  expect(tenant2Texts).not.toMatch(/\b10 days\b/);
  expect(tenant2Texts).not.toContain("ord-t1-1001");
  expect(tenant2Texts).not.toContain("Trail running shoes");
  await page.screenshot({ path: join(SCREENSHOTS, "tenant2-chat.png") });

  // tenant1's page is untouched by tenant2's session and still answers for tenant1.
  await waitForWho(page1, "tenant1-user · Tenant One");
  expect(await answerTexts(page1)).toEqual(tenant1Before);
  const again = await finishedAnswer(page1, await ask(page1, "How many days do I have to return something?"));
  expect(again.text).toMatch(/\b10 days\b/);
  const tenant1Texts = (await answerTexts(page1)).join("\n");
  expect(tenant1Texts).not.toMatch(/\b20 days\b/);
  expect(tenant1Texts).not.toContain("ord-t2-2001");
});

test("on a phone-sized window the signed-in chat fits the width", async () => {
  const context = await suite.browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  try {
    const page = await context.newPage();
    const { firstSignIn } = await signIn(page, suite.stack, "tenant1-user");
    expect(firstSignIn).toBe(false);
    await waitForConnected(page);
    const answer = await finishedAnswer(page, await ask(page, "List my orders"));
    expect(answer.text).toContain("ord-t1-1001");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expect(page.isVisible("#send")).resolves.toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, "phone-width.png") });
  } finally {
    await context.close();
  }
});

test("sign-out returns to the sign-in form and closes the connection", async () => {
  const page = tenant1Page();
  const sockets = tenant1!.sockets;
  expect(sockets.map((s) => s.closed)).toEqual([false]);
  await page.click("#sign-out");
  await page.waitForSelector("#signin-view:not([hidden])", { timeout: 5_000 });
  await expect(page.textContent("#who")).resolves.toBe("");
  await expect(page.evaluate(() => window.sessionStorage.getItem("mta.session"))).resolves.toBeNull();
  await expect(page.isVisible("#chat-view")).resolves.toBe(false);
  await page.waitForFunction(() => document.querySelector("#connection-state")?.textContent === "disconnected", undefined, { timeout: 5_000 });
  const deadline = Date.now() + 5_000;
  while (!sockets[0].closed && Date.now() < deadline) await page.waitForTimeout(50);
  expect(sockets.map((s) => s.closed)).toEqual([true]);
});

afterAll(async () => {
  await tenant1?.context.close();
  await tenant2?.context.close();
});
