/**
 * A wrong password or an unknown user shows the same clear error and never signs in.
 * Uses its own confirmed user, so it does not depend on which file signed the demo users in.
 */
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "./support/browser";
import { submitPassword, waitForWho } from "./support/chat-page";
import { withOperatorClients } from "../support/stack/aws-clients";
import { e2eStack, type LocalStackOutputs } from "../support/stack/outputs";
import { createConfirmedUser } from "../support/stack/test-users";

const USERNAME = "e2e-signin-errors-user";
const PASSWORD = "Right-password-42x";

jest.setTimeout(30_000);

let stack: LocalStackOutputs;
let browser: Browser;

beforeAll(async () => {
  stack = e2eStack();
  const user = { username: USERNAME, tenantId: "tenant1", password: PASSWORD };
  [browser] = await Promise.all([launchBrowser(), withOperatorClients(stack, (operator) => createConfirmedUser(operator, user))]);
});

afterAll(async () => {
  await browser?.close();
});

async function signInPage(): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(stack.webUrl);
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
