/**
 * Answers are text, never markup: an order whose item names are HTML (an operator typo or
 * an attacker who got data into a table) shows literally in the answer bubble and runs
 * nothing. tenant3-user, so this file does not depend on another file's sign-ins.
 */
import { browserSuite } from "./support/browser-suite";
import { ask, finishedAnswer, signIn, waitForConnected } from "./support/chat-page";
import { addOrderFor, type TestOrder } from "../support/stack/orders";

jest.setTimeout(30_000);

const IMG = `<img src=x onerror="window.__xss=1">`;
const SCRIPT = `<script>window.__xss=2</script>`;
const HTML_ORDER: TestOrder = {
  orderId: "ord-t3-html",
  orderDate: "2026-11-01T08:00:00Z",
  total: 5,
  currency: "EUR",
  status: "shipped",
  items: [IMG, SCRIPT],
};


const suite = browserSuite((operator) => addOrderFor(operator, "tenant3-user", HTML_ORDER));

test("an answer containing <img src=x onerror=…> renders as text and runs nothing", async () => {
  const context = await suite.browser.newContext();
  try {
    const page = await context.newPage();
    await signIn(page, suite.stack, "tenant3-user");
    await waitForConnected(page);

    const answerId = await ask(page, "List my orders");
    const answer = await finishedAnswer(page, answerId);
    expect(answer.phase).toBe("done");
    // The allowed path: the order is there, its item names shown literally.
    expect(answer.text).toContain("ord-t3-html");
    expect(answer.text).toContain(IMG);
    expect(answer.text).toContain(SCRIPT);
    // The denial: no element was created from the text and no handler ran.
    const bubble = page.locator(`.message.assistant[data-answer-id="${answerId}"]`);
    await expect(bubble.locator("img").count()).resolves.toBe(0);
    await expect(bubble.locator("script").count()).resolves.toBe(0);
    await expect(page.locator("#messages img, #messages script").count()).resolves.toBe(0);
    expect(answer.html).toContain("&lt;img");
    await page.waitForTimeout(200); // an image error handler would have fired by now
    await expect(page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).resolves.toBeUndefined();
  } finally {
    await context.close();
  }
});
