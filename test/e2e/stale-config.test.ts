/**
 * Issue 14, item 1: a page opened before the service was redeployed (or the local stack
 * restarted) holds an app client id Cognito no longer knows. Its first sign-in attempt
 * fetches /config.json again and signs in with the new client id, without a reload of the
 * tab; when the configuration is still stale, the user reads what happened, never a
 * generic "Sign-in failed". The stale configuration is the real one with the client id of
 * an earlier start, served once through Playwright's routing; Cognito is the stack's.
 */
import type { Page } from "playwright-core";
import { browserSuite, confirmedUsers } from "./support/browser-suite";
import { submitPassword, waitForWho } from "./support/chat-page";

const USERNAME = "e2e-stale-config-user";
const PASSWORD = "Stale-config-pass-42";
/** Shaped like a client id of an earlier start; unknown to this start's pool. */
const OLD_CLIENT_ID = "0123456789abcdefghijklmnop";

jest.setTimeout(30_000);


const suite = browserSuite(confirmedUsers({ username: USERNAME, tenantId: "tenant1", password: PASSWORD }));

interface Watched {
  page: Page;
  configFetches: number;
  /** ClientId of every InitiateAuth the page sent, in order. */
  signInClientIds: string[];
}

/** A page whose /config.json names the old client id for its first `staleAnswers` fetches. */
async function pageWithStaleConfig(staleAnswers: number): Promise<Watched> {
  const context = await suite.browser.newContext();
  const page = await context.newPage();
  const watched: Watched = { page, configFetches: 0, signInClientIds: [] };
  await page.route("**/config.json", async (route) => {
    watched.configFetches++;
    const response = await route.fetch();
    const config = (await response.json()) as Record<string, unknown>;
    if (watched.configFetches <= staleAnswers) config.userPoolClientId = OLD_CLIENT_ID;
    await route.fulfill({ response, json: config });
  });
  page.on("request", (request) => {
    if (request.headers()["x-amz-target"]?.endsWith(".InitiateAuth")) {
      watched.signInClientIds.push(String((request.postDataJSON() as { ClientId?: unknown }).ClientId));
    }
  });
  await page.goto(suite.stack.webUrl);
  return watched;
}

test("a page holding an old app client id reloads its configuration and signs in on the first try", async () => {
  const watched = await pageWithStaleConfig(1);
  expect(watched.configFetches).toBe(1);

  await expect(submitPassword(watched.page, USERNAME, PASSWORD)).resolves.toBe("signed_in");
  await waitForWho(watched.page, `${USERNAME} · Tenant One`);
  await expect(watched.page.textContent("#signin-error")).resolves.toBe("");
  // Refused once for the old client (Cognito: ResourceNotFoundException), once more with the new one.
  expect(watched.signInClientIds).toEqual([OLD_CLIENT_ID, suite.stack.userPoolClientId]);
  expect(watched.configFetches).toBe(2);
  await watched.page.context().close();
});

test("a configuration that is still stale gets a specific message, and no retry loop", async () => {
  const watched = await pageWithStaleConfig(Number.POSITIVE_INFINITY);
  await expect(submitPassword(watched.page, USERNAME, PASSWORD)).resolves.toBe("error");
  const text = await watched.page.textContent("#signin-error");
  expect(text).toBe(
    "The sign-in service does not recognise this page's settings. Reload the page; if that does not help, the service is being updated: try again in a few minutes.",
  );
  expect(text).not.toMatch(/Sign-in failed|stack/);
  expect(watched.signInClientIds).toEqual([OLD_CLIENT_ID]);
  expect(watched.configFetches).toBe(2);

  // The next attempt asks once more, and signs in once the service's configuration is current.
  await watched.page.unroute("**/config.json");
  await expect(submitPassword(watched.page, USERNAME, PASSWORD)).resolves.toBe("signed_in");
  expect(watched.signInClientIds).toEqual([OLD_CLIENT_ID, OLD_CLIENT_ID, suite.stack.userPoolClientId]);
  await watched.page.context().close();
});
