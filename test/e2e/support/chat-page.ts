/**
 * Drives the page through its documented selectors (the comment at the top of
 * web/index.html): sign-in with the first-sign-in password change, asking, and reading
 * answers back by their answerId.
 */
import type { Page } from "playwright-core";
import type { LocalStackOutputs } from "../../support/stack/outputs";
import { initialPasswordOf } from "../../../scripts/stack-client/initial-passwords";
import { permanentPassword } from "../../../scripts/stack-client/sign-in";

/** Bounds every wait, so a broken page fails a test instead of hanging it. */
export const UI_TIMEOUT_MS = 10_000;

export type SignInOutcome = "signed_in" | "new_password_required" | "error";

/** Fills and submits the password step; resolves with what the page showed next. */
export async function submitPassword(page: Page, username: string, password: string): Promise<SignInOutcome> {
  await page.fill("#username", username);
  await page.fill("#password", password);
  await page.click("#sign-in");
  const handle = await page.waitForFunction(
    () => {
      const who = document.querySelector("#who")?.textContent ?? "";
      const error = document.querySelector("#signin-error")?.textContent ?? "";
      const newPassword = document.querySelector<HTMLElement>("#new-password");
      if (who.trim()) return "signed_in";
      if (error.trim()) return "error";
      if (newPassword && newPassword.offsetParent !== null) return "new_password_required";
      return false;
    },
    undefined,
    { timeout: UI_TIMEOUT_MS },
  );
  return (await handle.jsonValue()) as SignInOutcome;
}

/** Completes the new-password step and waits for the signed-in view. */
export async function submitNewPassword(page: Page, newPassword: string): Promise<void> {
  await page.fill("#new-password", newPassword);
  await page.fill("#confirm-password", newPassword);
  await page.click("#sign-in");
  await page.waitForFunction(() => (document.querySelector("#who")?.textContent ?? "").trim() !== "", undefined, {
    timeout: UI_TIMEOUT_MS,
  });
}

/**
 * Signs `username` in whatever state the account is in: first sign-in (answers the
 * new-password step) or already changed (uses the permanent password). Returns whether
 * the first-sign-in step was shown. The initial password is read as the operator's
 * command reads it and kept in memory (I19): the outputs file has none.
 */
export async function signIn(page: Page, stack: LocalStackOutputs, username: string): Promise<{ firstSignIn: boolean }> {
  const initial = await initialPasswordOf(stack, username);
  await page.goto(stack.webUrl);
  const outcome = await submitPassword(page, username, initial);
  if (outcome === "new_password_required") {
    await submitNewPassword(page, permanentPassword(initial));
    return { firstSignIn: true };
  }
  if (outcome === "error") {
    if ((await submitPassword(page, username, permanentPassword(initial))) !== "signed_in") {
      throw new Error(`${username} could not sign in: ${await page.textContent("#signin-error")}`);
    }
  }
  return { firstSignIn: false };
}

export async function waitForConnected(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector("#connection-state")?.textContent === "connected", undefined, {
    timeout: UI_TIMEOUT_MS,
  });
}

/** Sends a question with the composer; returns the answerId of the new answer bubble. */
export async function ask(page: Page, prompt: string): Promise<string> {
  const before = await page.locator(".message.assistant[data-answer-id]").count();
  await page.fill("#prompt", prompt);
  await page.click("#send");
  const bubble = page.locator(".message.assistant[data-answer-id]").nth(before);
  await bubble.waitFor({ timeout: UI_TIMEOUT_MS });
  const answerId = await bubble.getAttribute("data-answer-id");
  if (!answerId) throw new Error("the answer bubble has no data-answer-id");
  return answerId;
}

export interface RenderedAnswer {
  phase: string;
  text: string;
  statuses: string[];
  errorText: string;
  html: string;
}

/** Waits until the answer is done (or failed) and reads it back. */
export async function finishedAnswer(page: Page, answerId: string, timeout = UI_TIMEOUT_MS * 2): Promise<RenderedAnswer> {
  const selector = `.message.assistant[data-answer-id="${answerId}"]`;
  await page.waitForSelector(`${selector}[data-phase="done"], ${selector}[data-phase="error"]`, { timeout });
  return page.$eval(selector, (bubble) => ({
    phase: bubble.getAttribute("data-phase") ?? "",
    text: bubble.querySelector(".text")?.textContent ?? "",
    statuses: Array.from(bubble.querySelectorAll(".status li")).map((li) => li.textContent ?? ""),
    errorText: bubble.querySelector(".error-text")?.textContent ?? "",
    html: bubble.innerHTML,
  }));
}

/** Texts of every finished answer on the page, oldest first. */
export function answerTexts(page: Page): Promise<string[]> {
  return page.$$eval(".message.assistant .text", (nodes) => nodes.map((n) => n.textContent ?? ""));
}

/** The ID token the page holds (to prove it never shows up where it must not). */
export async function pageIdToken(page: Page): Promise<string> {
  const stored = await page.evaluate(() => window.sessionStorage.getItem("mta.session"));
  const token = stored ? (JSON.parse(stored) as { idToken?: unknown }).idToken : undefined;
  if (typeof token !== "string" || token.length === 0) throw new Error("the page holds no ID token");
  return token;
}

export interface AnswerSnapshot {
  at: number;
  phase: string;
  statuses: number;
  textLength: number;
}

/**
 * Records every DOM change of every answer bubble (one snapshot per mutation batch), so
 * a test can prove the order in which status lines and streamed text appeared.
 */
export async function recordAnswerTimeline(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __answerTimeline?: Record<string, unknown[]> };
    if (w.__answerTimeline) return;
    const timeline: Record<string, unknown[]> = {};
    w.__answerTimeline = timeline;
    const messages = document.querySelector("#messages");
    if (!messages) throw new Error("#messages is missing");
    new MutationObserver(() => {
      for (const bubble of Array.from(messages.querySelectorAll<HTMLElement>(".message.assistant[data-answer-id]"))) {
        const id = bubble.dataset.answerId ?? "";
        const snapshot = {
          at: performance.now(),
          phase: bubble.dataset.phase ?? "",
          statuses: bubble.querySelectorAll(".status li").length,
          textLength: (bubble.querySelector(".text")?.textContent ?? "").length,
        };
        const list = (timeline[id] ??= []) as typeof snapshot[];
        const last = list[list.length - 1];
        if (!last || last.phase !== snapshot.phase || last.statuses !== snapshot.statuses || last.textLength !== snapshot.textLength) {
          list.push(snapshot);
        }
      }
    }).observe(messages, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

export function answerTimeline(page: Page, answerId: string): Promise<AnswerSnapshot[]> {
  return page.evaluate(
    (id) => ((window as unknown as { __answerTimeline?: Record<string, AnswerSnapshot[]> }).__answerTimeline?.[id] ?? []),
    answerId,
  );
}

/**
 * Waits until `#who` reads `text`: the tenant's display name arrives after the connection
 * opens (the `hello` reply), so the header fills in a moment after sign-in.
 */
export async function waitForWho(page: Page, text: string): Promise<void> {
  await page
    .waitForFunction((expected) => document.querySelector("#who")?.textContent === expected, text, { timeout: UI_TIMEOUT_MS })
    .catch(async () => {
      throw new Error(`#who reads ${JSON.stringify(await page.textContent("#who"))}, not ${JSON.stringify(text)}`);
    });
}

/** Signs in a user made by the test itself (a permanent password, no first-sign-in step). */
export async function signInWithPassword(page: Page, webUrl: string, username: string, password: string): Promise<void> {
  await page.goto(webUrl);
  const outcome = await submitPassword(page, username, password);
  if (outcome !== "signed_in") throw new Error(`${username} could not sign in (${outcome}): ${await page.textContent("#signin-error")}`);
}
