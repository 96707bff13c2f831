/**
 * One test file's browser and the e2e stack: launches headless Chromium and runs the file's
 * operator setup (its own users, its orders) side by side before the file's tests, and
 * closes the browser after them. Each file still uses its own users (chat.test.ts owns the
 * demo users' first sign-in).
 */
import type { Browser } from "playwright-core";
import { launchBrowser } from "./browser";
import { withOperatorClients } from "../../support/stack/aws-clients";
import { e2eStack, type LocalStackOutputs } from "../../support/stack/outputs";
import { createConfirmedUser, type ConfirmedUserSpec } from "../../support/stack/test-users";
import type { OperatorClients } from "../../../scripts/operator-clients";

export interface BrowserSuite {
  /** The e2e stack's outputs; read them inside tests and hooks, not at import time. */
  readonly stack: LocalStackOutputs;
  readonly browser: Browser;
}

/** Registers this file's beforeAll/afterAll; `setup` runs once with the operator's clients. */
export function browserSuite(setup?: (operator: OperatorClients, stack: LocalStackOutputs) => Promise<unknown>): BrowserSuite {
  let stack: LocalStackOutputs | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    const outputs = e2eStack();
    stack = outputs;
    [browser] = await Promise.all([launchBrowser(), setup ? withOperatorClients(outputs, (operator) => setup(operator, outputs)) : undefined]);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get stack(): LocalStackOutputs {
      if (!stack) throw new Error("the e2e stack is read before this file's beforeAll ran");
      return stack;
    },
    get browser(): Browser {
      if (!browser) throw new Error("the browser is used before this file's beforeAll ran");
      return browser;
    },
  };
}

/** A setup that creates confirmed users (one at a time: the local Cognito keeps order). */
export function confirmedUsers(...users: ConfirmedUserSpec[]): (operator: OperatorClients) => Promise<void> {
  return async (operator) => {
    for (const user of users) await createConfirmedUser(operator, user);
  };
}
