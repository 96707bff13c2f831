/**
 * The session's life in a real browser (issue 11 items 3 and 4):
 * - the page renews its open connection in-band after every token refresh (a `renew`
 *   frame carrying the fresh ID token, answered `renewed`) and keeps answering; the
 *   page's clock is fast-forwarded past the refresh point (Playwright's clock), the
 *   stack's is not, so Cognito and the chat function see real, valid tokens;
 * - the page acts on the reply (web/js/renewal.js): a refused renewal (`session_ended`)
 *   ends the session, an unanswered one reconnects with the fresh token. The real server
 *   refuses only an offboarded user's token, which a page that just refreshed never holds,
 *   so these two replies are put on the wire by a WebSocket route between page and stack;
 * - sign-out revokes the refresh token, closes the socket and clears the tab's session,
 *   and another tab of the same user (same browser context) is told its session ended
 *   and shows the sign-in screen; a tab of another user stays signed in.
 */
import { InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import type { BrowserContext, Page, WebSocketRoute } from "playwright-core";
import { publicCognitoClient } from "../../scripts/stack-client/sign-in";
import { browserSuite, confirmedUsers } from "./support/browser-suite";
import { ask, finishedAnswer, submitPassword, UI_TIMEOUT_MS, waitForConnected, waitForWho } from "./support/chat-page";

jest.setTimeout(60_000);

const PASSWORD = "Lifecycle-password-42x";
const SAME_USER = "e2e-lifecycle-same";
const OTHER_USER = "e2e-lifecycle-other";
const RENEWING_USER = "e2e-lifecycle-renew";
const REFUSED_USER = "e2e-lifecycle-refused";
const UNANSWERED_USER = "e2e-lifecycle-unanswered";
const ENDED_USER = "e2e-lifecycle-ended";


const suite = browserSuite(confirmedUsers(...[SAME_USER, OTHER_USER, RENEWING_USER, REFUSED_USER, UNANSWERED_USER, ENDED_USER].map((username) => ({ username, tenantId: "tenant1", password: PASSWORD }))));

interface WatchedFrames {
  sent: string[];
  received: string[];
  closed: boolean[];
}

function watchFrames(page: Page): WatchedFrames {
  const watched: WatchedFrames = { sent: [], received: [], closed: [] };
  page.on("websocket", (ws) => {
    const index = watched.closed.push(false) - 1;
    ws.on("framesent", (frame) => watched.sent.push(String(frame.payload)));
    ws.on("framereceived", (frame) => watched.received.push(String(frame.payload)));
    ws.on("close", () => {
      watched.closed[index] = true;
    });
  });
  return watched;
}

async function signedInPage(context: BrowserContext, username: string): Promise<{ page: Page; frames: WatchedFrames }> {
  const page = await context.newPage();
  const frames = watchFrames(page);
  await page.goto(suite.stack.webUrl);
  await expect(submitPassword(page, username, PASSWORD)).resolves.toBe("signed_in");
  await waitForConnected(page);
  return { page, frames };
}

const storedSession = (page: Page) =>
  page.evaluate(() => {
    const text = window.sessionStorage.getItem("mta.session");
    return text ? (JSON.parse(text) as { refreshToken?: string; idToken?: string }) : null;
  });

/** Whether `check` came true within the UI timeout (checked every 100 ms). */
async function until(check: () => boolean | Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + UI_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

async function refreshIsRefused(refreshToken: string): Promise<boolean> {
  const cognito = publicCognitoClient(suite.stack);
  try {
    await cognito.send(
      new InitiateAuthCommand({ ClientId: suite.stack.userPoolClientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: refreshToken } }),
    );
    return false;
  } catch (error) {
    return (error as { name?: string }).name === "NotAuthorizedException";
  }
}

test("the page renews its connection in-band after a token refresh, and keeps answering", async () => {
  const context = await suite.browser.newContext();
  await context.clock.install();
  const { page, frames } = await signedInPage(context, RENEWING_USER);
  const before = await storedSession(page);
  // Tokens live 15 minutes; the page refreshes 5 minutes before expiry.
  await page.clock.fastForward("10:30");
  await until(() => frames.received.some((f) => f.includes('"type":"renewed"')));
  const renewFrames = frames.sent.filter((f) => f.includes('"action":"renew"'));
  expect(renewFrames).toHaveLength(1);
  const after = await storedSession(page);
  expect(after?.idToken).not.toBe(before?.idToken);
  expect(JSON.parse(renewFrames[0])).toEqual({ action: "renew", token: after?.idToken });
  expect(frames.received.filter((f) => f.includes('"type":"renewed"'))).toHaveLength(1);
  // Past the reply deadline: the answered renewal leaves the socket alone. (A moment of real
  // time first: the frame is reported here as it arrives, the page handles it just after.)
  await new Promise((r) => setTimeout(r, 300));
  await page.clock.fastForward("00:15");
  // Same socket (no reconnect), still answering.
  expect(frames.closed).toEqual([false]);
  const answerId = await ask(page, "What is the return policy?");
  await expect(finishedAnswer(page, answerId)).resolves.toMatchObject({ phase: "done" });
  await context.close();
});

/**
 * Routes the page's WebSockets through the test: frames pass both ways, except that the
 * server's first `renewed` goes to `replaceRenewed` instead of the page. Returns the
 * number of connections the page opened.
 */
async function interceptRenewed(context: BrowserContext, replaceRenewed: (ws: WebSocketRoute) => void): Promise<{ connections: () => number }> {
  let connections = 0;
  let replaced = false;
  await context.routeWebSocket(
    (url) => url.protocol === "ws:" || url.protocol === "wss:",
    (ws) => {
      connections++;
      const server = ws.connectToServer();
      server.onMessage((message) => {
        if (!replaced && String(message).includes('"type":"renewed"')) {
          replaced = true;
          replaceRenewed(ws);
        } else ws.send(message);
      });
    },
  );
  return { connections: () => connections };
}

test("a renewal the server refuses (session_ended) ends the session: sign-in screen, no reconnect", async () => {
  const context = await suite.browser.newContext();
  await context.clock.install();
  const route = await interceptRenewed(context, (ws) => {
    // What the chat function answers for an offboarded user's token, and then it hangs up.
    ws.send(JSON.stringify({ type: "error", code: "session_ended", message: "Your session has ended. Please sign in again." }));
    void ws.close({ code: 1000 });
  });
  const { page, frames } = await signedInPage(context, REFUSED_USER);
  await page.clock.fastForward("10:30");
  await page.waitForSelector("#signin-view", { state: "visible", timeout: UI_TIMEOUT_MS });
  await expect(page.textContent("#signin-notice")).resolves.toBe("Your session has ended. Please sign in again.");
  await expect(storedSession(page)).resolves.toBeNull();
  expect(frames.sent.filter((f) => f.includes('"action":"renew"'))).toHaveLength(1);
  // Signed out, not reconnecting with tokens the server no longer honours.
  await page.clock.fastForward("01:00");
  await expect(page.textContent("#connection-state")).resolves.toBe("disconnected");
  expect(route.connections()).toBe(1);
  await context.close();
});

test("a renewal left unanswered: the page reconnects with the fresh token and keeps answering", async () => {
  const context = await suite.browser.newContext();
  await context.clock.install();
  const route = await interceptRenewed(context, () => {
    // The reply never arrives.
  });
  const { page, frames } = await signedInPage(context, UNANSWERED_USER);
  await page.clock.fastForward("10:30");
  await expect(until(() => frames.sent.some((f) => f.includes('"action":"renew"')))).resolves.toBe(true);
  expect(route.connections()).toBe(1);
  // Past the 10 s reply deadline (web/js/renewal.js RENEWAL_REPLY_TIMEOUT_MS).
  await page.clock.fastForward("00:11");
  await expect(until(() => route.connections() === 2)).resolves.toBe(true);
  await waitForConnected(page);
  await expect(page.isVisible("#signin-view")).resolves.toBe(false);
  const answerId = await ask(page, "What is the return policy?");
  await expect(finishedAnswer(page, answerId)).resolves.toMatchObject({ phase: "done" });
  await context.close();
});

test("an ask refused with session_ended (offboarded after the token was issued) ends the session too", async () => {
  const context = await suite.browser.newContext();
  await context.routeWebSocket(
    (url) => url.protocol === "ws:" || url.protocol === "wss:",
    (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        const frame = JSON.parse(String(message)) as { action?: string; answerId?: string };
        // What the chat function answers an ask whose token predates the user's offboarding.
        if (frame.action === "ask") ws.send(JSON.stringify({ type: "error", answerId: frame.answerId, code: "session_ended", message: "Your session has ended. Please sign in again." }));
        else server.send(message);
      });
    },
  );
  const { page } = await signedInPage(context, ENDED_USER);
  await page.fill("#prompt", "What is the return policy?");
  await page.click("#send");
  await page.waitForSelector("#signin-view", { state: "visible", timeout: UI_TIMEOUT_MS });
  await expect(page.textContent("#signin-notice")).resolves.toBe("Your session has ended. Please sign in again.");
  await expect(storedSession(page)).resolves.toBeNull();
  await context.close();
});

test("sign-out revokes, closes and clears; the same user's other tab is told and shows sign-in; another user's tab stays", async () => {
  const context = await suite.browser.newContext();
  const first = await signedInPage(context, SAME_USER);
  const second = await signedInPage(context, SAME_USER);
  const other = await signedInPage(context, OTHER_USER);
  const firstRefresh = (await storedSession(first.page))?.refreshToken ?? "";
  const secondRefresh = (await storedSession(second.page))?.refreshToken ?? "";
  expect(firstRefresh).not.toBe("");
  expect(secondRefresh).not.toBe("");

  await first.page.click("#sign-out");
  await first.page.waitForSelector("#signin-view", { state: "visible", timeout: UI_TIMEOUT_MS });
  await second.page.waitForSelector("#signin-view", { state: "visible", timeout: UI_TIMEOUT_MS });
  await expect(second.page.textContent("#signin-notice")).resolves.toBe("You signed out in another tab. Please sign in again.");
  for (const tab of [first, second]) {
    await expect(storedSession(tab.page)).resolves.toBeNull();
    await expect(tab.page.textContent("#who")).resolves.toBe("");
    await tab.page.waitForFunction(() => document.querySelector("#connection-state")?.textContent === "disconnected", undefined, {
      timeout: UI_TIMEOUT_MS,
    });
  }
  await expect(until(() => first.frames.closed.every(Boolean) && second.frames.closed.every(Boolean))).resolves.toBe(true);
  // Both tabs revoked their own refresh tokens (RevokeToken): neither refreshes any more.
  await expect(until(() => refreshIsRefused(firstRefresh))).resolves.toBe(true);
  await expect(until(() => refreshIsRefused(secondRefresh))).resolves.toBe(true);

  // Another user's tab in the same browser is untouched and still answers.
  // The header names the tenant by its display name once the hello reply is in.
  await waitForWho(other.page, `${OTHER_USER} · Tenant One`);
  expect(other.frames.closed).toEqual([false]);
  const answerId = await ask(other.page, "What is the return policy?");
  await expect(finishedAnswer(other.page, answerId)).resolves.toMatchObject({ phase: "done" });
  await context.close();
});
