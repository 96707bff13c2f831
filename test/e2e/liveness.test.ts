/**
 * Issue 14, item 2 (no question hangs, the badge tells the truth) in Chromium against the
 * e2e local stack. The page's WebSocket goes through Playwright's WebSocket routing, a
 * pass-through proxy to the real API that a test can make lose frames: an answer's
 * events (the page's own timeout ends it, with Retry), a ping's pong (the ping deadline
 * drops the socket and reconnects), or every new connection (the reconnect countdown
 * counts down each second and is announced once). The browser's offline mode turns the
 * badge to "offline" and back. Only the 45-second timeout uses Playwright's clock.
 */
import type { BrowserContext, Page, WebSocketRoute } from "playwright-core";
import { browserSuite, confirmedUsers } from "./support/browser-suite";
import { ask, finishedAnswer, submitPassword, UI_TIMEOUT_MS, waitForConnected, waitForWho } from "./support/chat-page";

const USERNAME = "e2e-liveness-user";
const PASSWORD = "Liveness-pass-42-ok";

jest.setTimeout(60_000);


const suite = browserSuite(confirmedUsers({ username: USERNAME, tenantId: "tenant1", password: PASSWORD }));

/** What the proxy does to the page's sockets; the test changes it as it goes. */
interface Proxy {
  /** Server frames for which this is true are not passed to the page. */
  dropFromServer: (frame: Record<string, unknown>) => boolean;
  /** New connections are refused (closed before they open). */
  refuseNew: boolean;
  /** While true, every event of an answer asked from now on is lost. */
  silenceNewAnswers: boolean;
  silenced: Set<string>;
  /** Server side of every socket that was let through, newest last. */
  servers: WebSocketRoute[];
  connections: number;
}

async function proxiedPage(options: { clock?: boolean } = {}): Promise<{ context: BrowserContext; page: Page; proxy: Proxy }> {
  const context = await suite.browser.newContext();
  const page = await context.newPage();
  const proxy: Proxy = { dropFromServer: () => false, refuseNew: false, silenceNewAnswers: false, silenced: new Set(), servers: [], connections: 0 };
  await page.routeWebSocket(/./, (ws) => {
    proxy.connections++;
    if (proxy.refuseNew) {
      ws.close();
      return;
    }
    const server = ws.connectToServer();
    proxy.servers.push(server);
    ws.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { action?: string; answerId?: string };
      if (proxy.silenceNewAnswers && frame.action === "ask" && frame.answerId) proxy.silenced.add(frame.answerId);
      server.send(message);
    });
    server.onMessage((message) => {
      const frame = JSON.parse(String(message)) as Record<string, unknown>;
      if (typeof frame.answerId === "string" && proxy.silenced.has(frame.answerId)) return;
      if (!proxy.dropFromServer(frame)) ws.send(message);
    });
  });
  if (options.clock) await page.clock.install();
  await page.goto(suite.stack.webUrl);
  if ((await submitPassword(page, USERNAME, PASSWORD)) !== "signed_in") throw new Error(`sign-in failed: ${await page.textContent("#signin-error")}`);
  await waitForConnected(page);
  // The `hello` reply is in: the socket's first frames have all come back.
  await waitForWho(page, `${USERNAME} · Tenant One`);
  return { context, page, proxy };
}

const badge = (page: Page) => page.textContent("#connection-state");

async function waitForBadge(page: Page, state: string, timeout = UI_TIMEOUT_MS): Promise<void> {
  await page.waitForFunction((s) => document.querySelector("#connection-state")?.textContent === s, state, { timeout });
}

/**
 * The ping's 10 s deadline passed unanswered: the badge leaves "connected" 9–13 s after the
 * ping, then the page is connected again on exactly one new socket.
 */
async function expectDroppedAfterPingDeadline(page: Page, proxy: Proxy, pingedAt: number, firstSocket: number): Promise<void> {
  await waitForBadge(page, "reconnecting", 15_000);
  const noticedAfter = Date.now() - pingedAt;
  expect(noticedAfter).toBeGreaterThanOrEqual(9_000);
  expect(noticedAfter).toBeLessThan(13_000);
  await waitForBadge(page, "connected");
  expect(proxy.servers.length).toBe(firstSocket + 1);
}

test("an answer that hears nothing for 45 s ends with a clear message and Retry, which asks again", async () => {
  const { context, page, proxy } = await proxiedPage({ clock: true });
  proxy.silenceNewAnswers = true;
  const answerId = await ask(page, "What is your return policy?");
  proxy.silenceNewAnswers = false;
  expect([...proxy.silenced]).toEqual([answerId]);
  const selector = `.message.assistant[data-answer-id="${answerId}"]`;
  // 46 s of page time in steps, with real pauses so the liveness pings get their pongs.
  for (let i = 0; i < 10; i++) {
    await page.clock.fastForward(4_600);
    await page.waitForTimeout(150);
    if (i < 9) await expect(page.getAttribute(selector, "data-phase")).resolves.not.toBe("error");
  }
  const failed = await finishedAnswer(page, answerId);
  expect(failed.phase).toBe("error");
  expect(failed.errorText).toBe("No reply from the assistant for a while, so the page stopped waiting. Press Retry to ask again.");
  // The socket itself was fine all along (its pings were answered).
  await expect(badge(page)).resolves.toBe("connected");

  await page.locator(`${selector} .actions .retry`).click();
  await page.waitForFunction(() => document.querySelectorAll(".message.assistant").length === 2, undefined, { timeout: UI_TIMEOUT_MS });
  const retriedId = await page.locator(".message.assistant").nth(1).getAttribute("data-answer-id");
  const retried = await finishedAnswer(page, String(retriedId));
  expect(retried.phase).toBe("done");
  expect(retried.text.length).toBeGreaterThan(20);
  await context.close();
});

test("a ping left unanswered past its deadline drops the socket: the badge stops saying connected, then reconnects", async () => {
  const { context, page, proxy } = await proxiedPage();
  const firstSocket = proxy.servers.length;
  // A dead path carries nothing back.
  proxy.dropFromServer = () => proxy.servers.length === firstSocket;
  // The tab coming back to the foreground checks its socket at once.
  const pingedAt = Date.now();
  await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
  await expectDroppedAfterPingDeadline(page, proxy, pingedAt, firstSocket);
  // The new socket works.
  const answer = await finishedAnswer(page, await ask(page, "What is your return policy?"));
  expect(answer.phase).toBe("done");
  await context.close();
});

test("only the pong answers a ping: an answer's events arriving meanwhile do not keep a socket whose pong is lost", async () => {
  const { context, page, proxy } = await proxiedPage();
  const firstSocket = proxy.servers.length;
  // Half a path: the page's frames may not arrive, yet the service's still do; here the
  // pong is lost and everything else comes through.
  proxy.dropFromServer = (frame) => frame.type === "pong" && proxy.servers.length === firstSocket;
  const pingedAt = Date.now();
  await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
  // Frames after the ping: `accepted`, the answer's events and `done`.
  const answer = await finishedAnswer(page, await ask(page, "What is your return policy?"));
  expect(answer.phase).toBe("done");
  await expectDroppedAfterPingDeadline(page, proxy, pingedAt, firstSocket);
  await context.close();
});

test("offline: the badge says offline and nothing is retried; online: connected again without a click", async () => {
  const { context, page, proxy } = await proxiedPage();
  const connections = proxy.connections;
  await context.setOffline(true);
  await waitForBadge(page, "offline");
  await expect(page.isVisible("#reconnect")).resolves.toBe(true);
  await expect(page.textContent("#reconnect-text")).resolves.toBe("You are offline. The page reconnects when your connection is back.");
  await expect(page.isVisible("#retry-now")).resolves.toBe(false);
  await expect(page.isDisabled("#send")).resolves.toBe(true);
  await page.waitForTimeout(2_000);
  expect(proxy.connections).toBe(connections);
  await expect(badge(page)).resolves.toBe("offline");

  await context.setOffline(false);
  await waitForBadge(page, "connected");
  await expect(page.textContent("#connection-announcer")).resolves.toBe("Connected again.");
  await expect(page.isVisible("#reconnect")).resolves.toBe(false);
  await context.close();
});

test("the reconnect countdown counts down every second and is announced once", async () => {
  const { context, page, proxy } = await proxiedPage();
  await page.evaluate(() => {
    const w = window as unknown as { __countdown: { at: number; text: string }[]; __announced: string[] };
    w.__countdown = [];
    w.__announced = [];
    const text = document.querySelector("#reconnect-text")!;
    const announcer = document.querySelector("#connection-announcer")!;
    new MutationObserver(() => {
      const last = w.__countdown[w.__countdown.length - 1];
      if (!last || last.text !== text.textContent) w.__countdown.push({ at: performance.now(), text: text.textContent ?? "" });
    }).observe(text, { childList: true, characterData: true, subtree: true });
    new MutationObserver(() => w.__announced.push(announcer.textContent ?? "")).observe(announcer, { childList: true, characterData: true, subtree: true });
  });
  // The connection drops and the service refuses new ones for a while.
  proxy.refuseNew = true;
  await proxy.servers[proxy.servers.length - 1].close();
  await waitForBadge(page, "reconnecting");
  // Backoff waits grow (0.25–0.5, 0.5–1, 1–2, 2–4, 4–8 s …): wait for one of 4 s or more,
  // watch it count down twice, and press "Retry now" with a second or more still to wait
  // (after a fixed pause instead, the page's own retry could come first and hide the button).
  const shown = await page.waitForFunction(() => /in ([4-9]) s\./.exec(document.querySelector("#reconnect-text")?.textContent ?? "")?.[1], undefined, { timeout: 30_000 });
  const first = Number(await shown.jsonValue());
  await page.waitForFunction((left) => (document.querySelector("#reconnect-text")?.textContent ?? "").includes(`in ${left} s.`), first - 2, { timeout: 5_000 });
  proxy.refuseNew = false;
  await page.click("#retry-now");
  await waitForBadge(page, "connected");

  const { countdown, announced } = await page.evaluate(() => {
    const w = window as unknown as { __countdown: { at: number; text: string }[]; __announced: string[] };
    return { countdown: w.__countdown, announced: w.__announced };
  });
  // Within the long wait, the shown seconds went down one by one, about a second apart.
  const long = countdown.findIndex((c) => /in [4-9] s\./.test(c.text));
  const seconds = countdown.slice(long, long + 3).map((c) => Number(/in (\d+) s\./.exec(c.text)?.[1]));
  expect(seconds).toEqual([seconds[0], seconds[0] - 1, seconds[0] - 2]);
  const gap = countdown[long + 2].at - countdown[long + 1].at;
  expect(gap).toBeGreaterThan(700);
  expect(gap).toBeLessThan(1_300);
  // Announced: the loss once (however many attempts failed), then the return.
  expect(announced).toEqual(["Connection lost. The page keeps trying to reconnect.", "Connected again."]);
  // The countdown itself is not in any live region.
  await expect(
    page.$eval("#reconnect-text", (node) => node.closest("[aria-live], [role=status], [role=log], [role=alert]") === null),
  ).resolves.toBe(true);
  await context.close();
});
