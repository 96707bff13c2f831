/**
 * The page's rough edges (issue 14 item 5), each in a real browser: sending while scrolled
 * up, the "New messages" cue, status lines once the answer is done and after a reload, the
 * new-password step (account, show toggle, confirmation, a button that does not wrap), the
 * growing question box, no second scrollbar, the log's focus ring, every message's time
 * readable on its bubble, and the tenant's display name in the header (never another
 * tenant's).
 */
import type { Page } from "playwright-core";
import { browserSuite, confirmedUsers } from "./support/browser-suite";
import { ask, finishedAnswer, signInWithPassword, submitPassword, UI_TIMEOUT_MS, waitForConnected, waitForWho } from "./support/chat-page";
import { createPendingUser } from "../support/stack/test-users";

jest.setTimeout(60_000);

const PENDING_USERS = ["e2e-page-details-user", "e2e-page-details-user2"];
const TEMPORARY_PASSWORD = "Temporary-pass-42";
const NEW_PASSWORD = "Details-new-pass-42";
/** This file's own users (the demo users' first sign-in belongs to chat.test.ts). */
const USERS = { tenant1: "e2e-details-t1", tenant2: "e2e-details-t2", tenant3: "e2e-details-t3" } as const;
const PASSWORD = "Details-user-pass-42";


const suite = browserSuite(async (operator) => {
  for (const username of PENDING_USERS) await createPendingUser(operator, { username, tenantId: "tenant1", temporaryPassword: TEMPORARY_PASSWORD });
  await confirmedUsers(...Object.entries(USERS).map(([tenantId, username]) => ({ username, tenantId, password: PASSWORD })))(operator);
});

function signIn(page: Page, username: string): Promise<void> {
  return signInWithPassword(page, suite.stack.webUrl, username, PASSWORD);
}

async function newPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await suite.browser.newContext({ viewport });
  return context.newPage();
}

/** How far the page itself scrolls (a second scrollbar beside the message log's). */
function pageOverflow(page: Page): Promise<{ x: number; y: number }> {
  return page.evaluate(() => {
    const root = document.documentElement;
    return { x: root.scrollWidth - root.clientWidth, y: root.scrollHeight - root.clientHeight };
  });
}

/** Whether the last question asked is inside the visible part of the message log. */
function lastQuestionInView(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const questions = document.querySelectorAll(".message.user");
    const box = questions[questions.length - 1].getBoundingClientRect();
    const log = document.querySelector("#messages")!.getBoundingClientRect();
    return box.top >= log.top - 1 && box.bottom <= log.bottom + 1;
  });
}

test("the new-password step shows the account, and its button does not wrap at 1280 px", async () => {
  const page = await newPage();
  await page.goto(suite.stack.webUrl);
  await expect(submitPassword(page, PENDING_USERS[0], TEMPORARY_PASSWORD)).resolves.toBe("new_password_required");
  await expect(page.textContent("#new-password-account")).resolves.toBe(`Account: ${PENDING_USERS[0]}`);
  // One line of text in the button.
  const lines = await page.$eval("#sign-in", (button) => {
    const range = document.createRange();
    range.selectNodeContents(button);
    return new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size;
  });
  expect(lines).toBe(1);
  await expect(page.textContent("#sign-in")).resolves.toBe("Set password and sign in");
});

test("the new-password step has a show-password toggle and a confirmation field that must match", async () => {
  const page = await newPage();
  await page.goto(suite.stack.webUrl);
  await expect(submitPassword(page, PENDING_USERS[1], TEMPORARY_PASSWORD)).resolves.toBe("new_password_required");

  const types = () => page.$$eval("#new-password, #confirm-password", (fields) => fields.map((f) => (f as HTMLInputElement).type));
  await expect(types()).resolves.toEqual(["password", "password"]);
  await page.click("#show-new-password");
  await expect(types()).resolves.toEqual(["text", "text"]);
  await expect(page.getAttribute("#show-new-password", "aria-pressed")).resolves.toBe("true");
  await page.click("#show-new-password");
  await expect(types()).resolves.toEqual(["password", "password"]);

  // A confirmation that does not match is refused on the page, before Cognito.
  await page.fill("#new-password", NEW_PASSWORD);
  await page.fill("#confirm-password", `${NEW_PASSWORD}x`);
  await page.click("#sign-in");
  await expect(page.textContent("#signin-error")).resolves.toBe("The two passwords do not match.");
  await expect(page.isVisible("#new-password")).resolves.toBe(true);
  await expect(page.textContent("#who")).resolves.toBe("");
  // The allowed path: matching passwords sign in.
  await page.fill("#confirm-password", NEW_PASSWORD);
  await page.click("#sign-in");
  await page.waitForFunction(() => (document.querySelector("#who")?.textContent ?? "").includes("e2e-page-details-user2"), undefined, { timeout: UI_TIMEOUT_MS });
});

test("no second scrollbar: neither the sign-in form nor the chat makes the page itself scroll (desktop and phone)", async () => {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    const page = await newPage(viewport);
    await page.goto(suite.stack.webUrl);
    await page.waitForSelector("#signin-view:not([hidden])");
    await expect(pageOverflow(page)).resolves.toEqual({ x: 0, y: 0 });
    await signIn(page, USERS.tenant1);
    await waitForConnected(page);
    await expect(pageOverflow(page)).resolves.toEqual({ x: 0, y: 0 });
    await finishedAnswer(page, await ask(page, "List my orders"));
    await expect(pageOverflow(page)).resolves.toEqual({ x: 0, y: 0 });
  }
});

/** A page whose message log is at least twice as tall as its window. */
async function longConversation(): Promise<Page> {
  const page = await newPage({ width: 1280, height: 560 });
  await signIn(page, USERS.tenant2);
  await waitForConnected(page);
  for (let i = 0; i < 6; i++) {
    await finishedAnswer(page, await ask(page, "List my orders"));
    if (await page.$eval("#messages", (log) => log.scrollHeight > log.clientHeight * 2)) break;
  }
  return page;
}

const scrollUp = (page: Page) => page.$eval("#messages", (log) => (log.scrollTop = 0));

test("sending while scrolled up brings the question into view", async () => {
  const page = await longConversation();
  await scrollUp(page);
  const asked = await page.locator(".message.user").count();
  await page.fill("#prompt", "What is the return policy?");
  await page.press("#prompt", "Enter");
  await page.waitForFunction((n) => document.querySelectorAll(".message.user").length > n, asked);
  await expect(lastQuestionInView(page)).resolves.toBe(true);
  await expect(page.isVisible("#new-messages")).resolves.toBe(false);
});

test("answers arriving while scrolled up raise the New messages cue, which takes the reader to the end", async () => {
  const page = await longConversation();
  await ask(page, "What is the return policy? [[slow]]");
  await scrollUp(page);
  await page.waitForSelector("#new-messages:not([hidden])", { timeout: UI_TIMEOUT_MS });
  await page.click("#new-messages");
  await expect(page.isVisible("#new-messages")).resolves.toBe(false);
  await expect(page.$eval("#messages", (log) => log.scrollHeight - log.scrollTop - log.clientHeight)).resolves.toBeLessThan(80);
});

test("status lines end without '…' once the answer is done, and survive a reload", async () => {
  const page = await newPage();
  await signIn(page, USERS.tenant1);
  await waitForConnected(page);
  const answerId = await ask(page, "List my orders [[slow]]");
  const status = `.message.assistant[data-answer-id="${answerId}"] .status li`;
  await page.waitForSelector(status, { timeout: UI_TIMEOUT_MS });
  await expect(page.textContent(status)).resolves.toBe("Looking up your orders…");
  expect((await finishedAnswer(page, answerId, 30_000)).statuses).toEqual(["Looking up your orders"]);
  await page.reload();
  await waitForConnected(page);
  await page.waitForSelector(status, { timeout: UI_TIMEOUT_MS });
  await expect(page.$$eval(status, (items) => items.map((i) => i.textContent))).resolves.toEqual(["Looking up your orders"]);
});

test("every message's time is readable on its bubble (at least 4.5:1), light and dark", async () => {
  const page = await newPage();
  await signIn(page, USERS.tenant3);
  await waitForConnected(page);
  await finishedAnswer(page, await ask(page, "What is the return policy?"));
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    const ratios = await page.$$eval(".message .time", (times) => {
      const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
      const luminance = (css: string) => {
        const [r, g, b] = rgb(css).map((v) => v / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      return times.map((time) => {
        let holder: Element | null = time;
        while (holder && (rgb(getComputedStyle(holder).backgroundColor)[3] === 0 || getComputedStyle(holder).backgroundColor === "transparent")) holder = holder.parentElement;
        const [a, b] = [luminance(getComputedStyle(time).color), luminance(getComputedStyle(holder ?? document.body).backgroundColor)].sort((x, y) => y - x);
        return { bubble: time.closest(".message")?.className, ratio: Math.round(((a + 0.05) / (b + 0.05)) * 100) / 100 };
      });
    });
    expect(ratios.map((r) => r.bubble)).toEqual(expect.arrayContaining(["message user", expect.stringContaining("message assistant")]));
    for (const { bubble, ratio } of ratios) expect({ colorScheme, bubble, ratio: ratio >= 4.5 ? "ok" : ratio }).toEqual({ colorScheme, bubble, ratio: "ok" });
  }
});

test("the question box grows with what is typed, up to a limit, then scrolls", async () => {
  const page = await newPage();
  await signIn(page, USERS.tenant3);
  await waitForConnected(page);
  const height = () => page.$eval("#prompt", (box) => box.getBoundingClientRect().height);
  const empty = await height();
  await page.fill("#prompt", "one\ntwo\nthree\nfour\nfive\nsix");
  const six = await height();
  expect(six).toBeGreaterThan(empty + 40);
  await page.fill("#prompt", Array.from({ length: 80 }, (_, i) => `line ${i}`).join("\n"));
  const many = await height();
  expect(many).toBeGreaterThan(six);
  expect(many).toBeLessThanOrEqual(800 * 0.4 + 1);
  await expect(page.$eval("#prompt", (box) => box.scrollHeight > box.clientHeight)).resolves.toBe(true);
});

test("the message log's focus ring is not cut off under the header", async () => {
  const page = await newPage();
  await signIn(page, USERS.tenant3);
  await waitForConnected(page);
  await page.focus("#prompt");
  for (let i = 0; i < 6 && !(await page.evaluate(() => document.activeElement?.id === "messages")); i++) await page.keyboard.press("Shift+Tab");
  await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("messages");
  const ring = await page.$eval("#messages", (log) => {
    const style = getComputedStyle(log);
    const outside = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth);
    return { top: log.getBoundingClientRect().top - Math.max(0, outside), header: document.querySelector(".topbar")!.getBoundingClientRect().bottom, style: style.outlineStyle };
  });
  expect(ring.style).not.toBe("none");
  expect(ring.top).toBeGreaterThanOrEqual(ring.header);
});

test("the header shows the tenant's display name; a page never receives another tenant's name, even when it asks", async () => {
  const page = await newPage();
  const received: string[] = [];
  page.on("websocket", (ws) => ws.on("framereceived", (frame) => received.push(String(frame.payload))));
  await signIn(page, USERS.tenant2);
  await waitForConnected(page);
  await waitForWho(page, `${USERS.tenant2} · Tenant Two`);
  await expect(page.textContent("#who")).resolves.not.toContain("tenant2 ");

  // Asking on its own socket, with the page's own token: plainly, and naming another tenant.
  const replies = await page.evaluate(
    ({ url }) =>
      new Promise<string[]>((resolve, reject) => {
        const token = (JSON.parse(sessionStorage.getItem("mta.session") ?? "{}") as { idToken: string }).idToken;
        const socket = new WebSocket(url, ["mta.v1", token]);
        const got: string[] = [];
        socket.onopen = () => {
          socket.send(JSON.stringify({ action: "hello" }));
          socket.send(JSON.stringify({ action: "hello", tenantId: "tenant1" }));
        };
        socket.onmessage = (event) => {
          got.push(String(event.data));
          if (got.length === 2) {
            socket.close();
            resolve(got);
          }
        };
        socket.onerror = () => reject(new Error("socket failed"));
      }),
    { url: suite.stack.webSocketUrl },
  );
  const events = replies.map((r) => JSON.parse(r) as { type: string; tenantName?: string; code?: string });
  expect(events).toContainEqual({ type: "hello", tenantName: "Tenant Two" });
  expect(events.find((e) => e.type === "error")).toMatchObject({ code: "bad_request" });
  for (const frame of [...received, ...replies]) {
    expect(frame).not.toContain("Tenant One");
    expect(frame).not.toContain("Tenant Three");
  }
});
