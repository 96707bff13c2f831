/**
 * A wrong password or an unknown user shows the same clear error and never signs in.
 * Uses its own confirmed user, so it does not depend on which file signed the demo users in.
 */
import type { Page } from "playwright-core";
import { browserSuite, confirmedUsers } from "./support/browser-suite";
import { submitPassword, waitForWho } from "./support/chat-page";

const USERNAME = "e2e-signin-errors-user";
const PASSWORD = "Right-password-42x";

jest.setTimeout(30_000);


const suite = browserSuite(confirmedUsers({ username: USERNAME, tenantId: "tenant1", password: PASSWORD }));

async function signInPage(): Promise<Page> {
  const context = await suite.browser.newContext();
  const page = await context.newPage();
  await page.goto(suite.stack.webUrl);
  return page;
}

test("a wrong password shows an error in #signin-error and stays on the sign-in form", async () => {
  const page = await signInPage();
  const sockets: string[] = [];
  page.on("websocket", (ws) => sockets.push(ws.url()));

  await expect(submitPassword(page, USERNAME, "Wrong-password-1")).resolves.toBe("error");
  await expect(page.textContent("#signin-error")).resolves.toBe("Incorrect username or password.");
  await expect(page.textContent("#who")).resolves.toBe("");
  await expect(page.isVisible("#chat-view")).resolves.toBe(false);
  await expect(page.isVisible("#new-password")).resolves.toBe(false);
  await expect(page.evaluate(() => window.sessionStorage.getItem("mta.session"))).resolves.toBeNull();
  expect(sockets).toEqual([]);

  // The allowed path: the right password on the same form signs in.
  await expect(submitPassword(page, USERNAME, PASSWORD)).resolves.toBe("signed_in");
  await waitForWho(page, `${USERNAME} · Tenant One`);
  await expect(page.textContent("#signin-error")).resolves.toBe("");
  await page.context().close();
});

test("an unknown user gets the same words (the form does not reveal which usernames exist)", async () => {
  const page = await signInPage();
  await expect(submitPassword(page, "nobody-here", "Whatever-password-1")).resolves.toBe("error");
  await expect(page.textContent("#signin-error")).resolves.toBe("Incorrect username or password.");
  await page.context().close();
});

test("empty fields are refused before anything is sent", async () => {
  const page = await signInPage();
  const requests: string[] = [];
  page.on("request", (r) => { if (r.method() === "POST") requests.push(r.url()); });
  await page.click("#sign-in");
  await expect(page.textContent("#signin-error")).resolves.toBe("Please enter your username and password.");
  expect(requests).toEqual([]);
  await page.context().close();
});
