/**
 * Wires the page together: loads /config.json, then the sign-in form, the session,
 * the WebSocket connection and the conversation. Everything else lives in modules
 * with one concern each.
 */
import { createChat } from "./chat.js";
import { CognitoError } from "./cognito.js";
import { promptCounter, tooLongMessage } from "./composer.js";
import { loadWebConfig } from "./config.js";
import { createReloadingCognito } from "./config-reload.js";
import { createConversationHistory } from "./conversation-history.js";
import { createConversationList } from "./conversation-list.js";
import { createConnection } from "./connection.js";
import { signedOutNotice, signInErrorMessage } from "./messages.js";
import { passwordFix, passwordRules, unmetPasswordRules } from "./password-policy.js";
import { createReconnectNotice } from "./reconnect-notice.js";
import { createChatView, renderConnectionState, renderWho } from "./render.js";
import { createRenewal } from "./renewal.js";
import { newConversationId } from "./ids.js";
import { createSignOutBroadcast } from "./sign-out-broadcast.js";
import { createSession } from "./session.js";

/**
 * The element with this id, of the kind the page's markup has: a missing or different
 * element is a broken page, reported at start rather than as a null error later.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{ new (): T, prototype: T }} kind
 * @returns {T}
 */
function $(id, kind) {
  const node = document.getElementById(id);
  if (!(node instanceof kind)) throw new Error(`the page has no #${id} ${kind.name}`);
  return node;
}

const ui = {
  appError: $("app-error", HTMLElement),
  sessionBar: $("session-bar", HTMLElement),
  who: $("who", HTMLElement),
  connectionState: $("connection-state", HTMLElement),
  newConversation: $("new-conversation", HTMLButtonElement),
  conversationsToggle: $("conversations-toggle", HTMLButtonElement),
  conversationList: $("conversation-list", HTMLUListElement),
  signOut: $("sign-out", HTMLButtonElement),
  signinView: $("signin-view", HTMLElement),
  signinForm: $("signin-form", HTMLFormElement),
  signinTitle: $("signin-title", HTMLElement),
  signinNotice: $("signin-notice", HTMLElement),
  passwordStep: $("password-step", HTMLElement),
  newPasswordStep: $("new-password-step", HTMLElement),
  username: $("username", HTMLInputElement),
  password: $("password", HTMLInputElement),
  newPassword: $("new-password", HTMLInputElement),
  passwordRules: $("password-rules", HTMLUListElement),
  signinError: $("signin-error", HTMLElement),
  signIn: $("sign-in", HTMLButtonElement),
  startOver: $("start-over", HTMLButtonElement),
  chatView: $("chat-view", HTMLElement),
  messages: $("messages", HTMLElement),
  notice: $("notice", HTMLElement),
  reconnect: $("reconnect", HTMLElement),
  reconnectText: $("reconnect-text", HTMLElement),
  connectionAnnouncer: $("connection-announcer", HTMLElement),
  newMessages: $("new-messages", HTMLButtonElement),
  confirmPassword: $("confirm-password", HTMLInputElement),
  showNewPassword: $("show-new-password", HTMLButtonElement),
  accountName: $("account-name", HTMLElement),
  retryNow: $("retry-now", HTMLButtonElement),
  composer: $("composer", HTMLFormElement),
  prompt: $("prompt", HTMLTextAreaElement),
  send: $("send", HTMLButtonElement),
  composerError: $("composer-error", HTMLElement),
  promptCount: $("prompt-count", HTMLElement),
};

/** @type {Readonly<Record<Exclude<import("./chat.js").NotSentReason, "too_long">, string>>} */
const NOT_SENT = {
  empty: "Type a question first.",
  not_connected: "Not connected right now; your question is kept. It can be sent once connected.",
  signed_out: "Please sign in again.",
  bad_identity: "Your sign-in looks incomplete. Please sign out and in again.",
};

/** @param {string} message */
function fatal(message) {
  ui.appError.textContent = message;
  ui.appError.hidden = false;
  ui.signinView.hidden = true;
  ui.chatView.hidden = true;
}

async function boot() {
  /** @type {import("./config.js").PageConfig} */
  let config;
  try {
    config = await loadWebConfig();
  } catch (error) {
    fatal(`The page cannot load its settings (${error instanceof Error ? error.message : String(error)}). The service may be down or being updated: reload the page in a few minutes.`);
    return;
  }

  // A stale configuration (a redeployed or restarted service) is fetched again on the
  // first sign-in call it breaks; the next connection uses the new WebSocket URL too.
  const cognito = createReloadingCognito({
    config,
    loadConfig: () => loadWebConfig(),
    onConfig: (fresh) => {
      config = fresh;
    },
  });
  const session = createSession({ cognito, storage: window.sessionStorage });
  const view = createChatView({
    messages: ui.messages,
    notice: ui.notice,
    newMessages: ui.newMessages,
    onStop: (answerId) => {
      if (!chat.stop(answerId)) showComposerError(NOT_SENT.not_connected);
    },
    onRetry: (answerId) => {
      const result = chat.retry(answerId);
      if (!result.ok && result.reason !== "too_long") showComposerError(NOT_SENT[result.reason]);
    },
  });
  const reconnectNotice = createReconnectNotice({
    panel: ui.reconnect,
    text: ui.reconnectText,
    retryNow: ui.retryNow,
    announcer: ui.connectionAnnouncer,
  });
  /** @type {import("./connection.js").Connection | null} */
  let connection = null;

  /** @type {string | null} the signed-in user's tenant display name, once the server has said it */
  let tenantName = null;
  const conversationHistory = createConversationHistory({
    storage: window.localStorage,
    legacy: window.sessionStorage,
    newConversationId,
    onSaveProblem: (result) => {
      view.notice(
        result.saved
          ? "This browser's storage is full: the oldest conversations were not kept."
          : "This browser is not keeping your conversations (storage is full or turned off).",
      );
    },
  });
  const chat = createChat({
    send: (message) => (connection ? connection.send(message) : false),
    getUser: () => session.user(),
    view,
    onTokenExpired: () => connection?.renew(),
    onHello: (name) => {
      tenantName = name;
      renderWho(ui.who, session.user(), tenantName);
    },
    history: conversationHistory,
  });
  const conversationList = createConversationList({
    list: ui.conversationList,
    actions: {
      open: (id) => {
        chat.switchTo(id);
        showConversations(false);
        ui.prompt.focus();
      },
      rename: (id, title) => conversationHistory.rename(id, title),
      remove: (id) => chat.remove(id),
      confirmRemove: (title) => window.confirm(`Delete the conversation “${title}”? This cannot be undone.`),
    },
  });
  conversationHistory.onChange(() => conversationList.render(conversationHistory.list()));
  // A reload or a closed tab mid-answer keeps what had arrived (conversation-history.js).
  window.addEventListener("pagehide", () => conversationHistory.flush());

  /** @param {boolean} open the list on narrow screens (always shown on wide ones) */
  function showConversations(open) {
    ui.conversationsToggle.setAttribute("aria-expanded", String(open));
    ui.chatView.dataset.listOpen = String(open);
  }

  // Every token refresh renews the open connection in-band, so it outlives its first token;
  // a refused renewal ends the session, an unanswered one reconnects (renewal.js).
  const renewal = createRenewal({
    session,
    send: (message) => (connection ? connection.send(message) : false),
    onEnded: () => session.signOut("session_ended"),
    onUnanswered: () => {
      if (!chat.busy()) connection?.renew();
    },
  });

  /** @param {import("./connection.js").ConnectionState} state */
  function setConnectionState(state) {
    renderConnectionState(ui.connectionState, state);
    if (state !== "connected") renewal.connectionChanged();
    ui.send.disabled = state !== "connected";
    if (state === "connected") {
      ui.notice.textContent = "";
      // The header's tenant name, read by the server for the caller's own tenant only.
      if (tenantName === null) connection?.send({ action: "hello" });
    }
    // The header badge alone went unnoticed: while reconnecting or offline, say so and offer a retry.
    reconnectNotice.state(state);
  }

  function connect() {
    if (connection) return;
    connection = createConnection({
      url: config.webSocketUrl,
      protocol: config.webSocketProtocol,
      getToken: (options) => session.getIdToken(options),
      onState: setConnectionState,
      onMessage: (data) => {
        renewal.handleFrame(data);
        chat.handleFrame(data);
      },
      onDrop: () => chat.connectionLost(),
      onRetryScheduled: (delayMs) => reconnectNotice.waiting(delayMs),
      canRenew: () => !chat.busy(),
      awaitingReply: () => chat.busy(),
    });
    connection.start();
    if (navigator.onLine === false) connection.setOnline(false);
  }

  function disconnect() {
    if (!connection) return;
    const closing = connection;
    connection = null;
    closing.stop();
  }

  // ---- sign-in form -------------------------------------------------------------------
  const rules = passwordRules();
  ui.passwordRules.replaceChildren(
    ...rules.map((rule) => {
      const item = document.createElement("li");
      item.dataset.rule = rule.id;
      item.dataset.met = "false";
      const state = document.createElement("span");
      state.className = "visually-hidden rule-state";
      item.append(document.createTextNode(rule.text), state);
      return item;
    }),
  );

  function renderPasswordRules() {
    const unmet = new Set(unmetPasswordRules(ui.newPassword.value));
    for (const item of ui.passwordRules.querySelectorAll("li")) {
      const met = !unmet.has(/** @type {import("./password-policy.js").PasswordRuleId} */ (item.dataset.rule));
      item.dataset.met = String(met);
      const state = item.querySelector(".rule-state");
      if (state) state.textContent = met ? " (done)" : "";
    }
  }

  function showPasswordStep() {
    session.cancelNewPassword();
    ui.passwordStep.hidden = false;
    ui.newPasswordStep.hidden = true;
    ui.startOver.hidden = true;
    ui.signinTitle.textContent = "Sign in";
    ui.signIn.textContent = "Sign in";
    ui.newPassword.value = "";
    ui.confirmPassword.value = "";
    ui.newPassword.required = false;
    ui.confirmPassword.required = false;
    showNewPasswords(false);
    renderPasswordRules();
  }

  /** @param {boolean} shown the two new-password fields as text (the toggle's state) */
  function showNewPasswords(shown) {
    for (const field of [ui.newPassword, ui.confirmPassword]) field.type = shown ? "text" : "password";
    ui.showNewPassword.setAttribute("aria-pressed", String(shown));
    ui.showNewPassword.textContent = shown ? "Hide" : "Show";
  }

  function showNewPasswordStep() {
    ui.passwordStep.hidden = true;
    ui.newPasswordStep.hidden = false;
    ui.startOver.hidden = false;
    ui.signinTitle.textContent = "Choose a new password";
    ui.signIn.textContent = "Set password and sign in";
    // Whose password this is: the step follows the username field, which it hides.
    ui.accountName.textContent = ui.username.value.trim();
    ui.newPassword.required = true;
    ui.confirmPassword.required = true;
    ui.password.value = "";
    ui.newPassword.focus();
  }

  function clearComposer() {
    ui.prompt.value = "";
    ui.composerError.textContent = "";
    renderPromptCount();
  }

  /** @param {string} [notice] */
  function showSignIn(notice = "") {
    disconnect();
    tenantName = null;
    renderWho(ui.who, null);
    // Nothing of this user stays on the page or in the tab for the next one.
    chat.forget();
    clearComposer();
    ui.sessionBar.hidden = true;
    ui.chatView.hidden = true;
    ui.signinView.hidden = false;
    ui.signinNotice.textContent = notice;
    ui.signinError.textContent = "";
    showPasswordStep();
    ui.password.value = "";
    (ui.username.value ? ui.password : ui.username).focus();
  }

  /** @param {import("./session.js").SessionUser} user */
  function showChat(user) {
    renderWho(ui.who, user, tenantName);
    ui.signinView.hidden = true;
    ui.sessionBar.hidden = false;
    ui.chatView.hidden = false;
    ui.composerError.textContent = "";
    chat.resume();
    // The question the page said it kept is still there after a sign-out or restart.
    if (!ui.prompt.value) ui.prompt.value = conversationHistory.draft();
    renderPromptCount();
    connect();
    ui.prompt.focus();
  }

  session.onChange((user, reason) => {
    if (user) {
      if (reason !== "refreshed") showChat(user);
      else renderWho(ui.who, user, tenantName);
    } else {
      showSignIn(signedOutNotice(reason));
    }
  });

  ui.signinForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (ui.signIn.disabled) return;
    const step = session.needsNewPassword() ? "new_password" : "password";
    ui.signinError.textContent = "";
    ui.signinNotice.textContent = "";
    if (step === "password" && (!ui.username.value.trim() || !ui.password.value)) {
      ui.signinError.textContent = signInErrorMessage("MissingFields");
      return;
    }
    if (step === "new_password" && !ui.newPassword.value) {
      ui.signinError.textContent = signInErrorMessage("MissingFields", "", step);
      return;
    }
    if (step === "new_password" && passwordFix(ui.newPassword.value)) {
      // The rules are listed; say the first one missing without a round trip to Cognito.
      ui.signinError.textContent = passwordFix(ui.newPassword.value);
      ui.newPassword.focus();
      return;
    }
    if (step === "new_password" && ui.confirmPassword.value !== ui.newPassword.value) {
      ui.signinError.textContent = ui.confirmPassword.value ? "The two passwords do not match." : "Please type the new password again to confirm it.";
      ui.confirmPassword.focus();
      return;
    }
    ui.signIn.disabled = true;
    ui.signinForm.setAttribute("aria-busy", "true");
    try {
      const result =
        step === "password"
          ? await session.signIn(ui.username.value.trim(), ui.password.value)
          : await session.completeNewPassword(ui.newPassword.value);
      if (result === "new_password_required") showNewPasswordStep();
    } catch (error) {
      const code = error instanceof CognitoError ? error.code : "UnknownError";
      ui.signinError.textContent = signInErrorMessage(code, error instanceof CognitoError ? error.message : "", step);
      if (step === "new_password" && !session.needsNewPassword()) showPasswordStep();
      else if (step === "password") ui.password.select();
      else ui.newPassword.select();
    } finally {
      ui.signIn.disabled = false;
      ui.signinForm.removeAttribute("aria-busy");
    }
  });

  ui.showNewPassword.addEventListener("click", () => {
    showNewPasswords(ui.showNewPassword.getAttribute("aria-pressed") !== "true");
  });

  ui.confirmPassword.addEventListener("input", () => {
    if (ui.signinError.textContent && ui.confirmPassword.value === ui.newPassword.value) ui.signinError.textContent = "";
  });

  ui.newPassword.addEventListener("input", () => {
    renderPasswordRules();
    if (ui.signinError.textContent && !passwordFix(ui.newPassword.value)) ui.signinError.textContent = "";
  });

  ui.startOver.addEventListener("click", () => {
    ui.signinError.textContent = "";
    showPasswordStep();
    ui.password.focus();
  });

  // ---- conversation -------------------------------------------------------------------
  function renderPromptCount() {
    const counter = promptCounter(ui.prompt.value);
    ui.promptCount.textContent = counter.text;
    ui.promptCount.dataset.state = counter.state;
    // Announced only near the limit: a count read out on every keystroke would be noise.
    ui.promptCount.setAttribute("aria-live", counter.live);
  }

  /** @param {string} text */
  function showComposerError(text) {
    ui.composerError.textContent = text;
  }

  function submitPrompt() {
    const result = chat.ask(ui.prompt.value);
    if (result.ok) {
      ui.prompt.value = "";
      conversationHistory.setDraft("");
      showComposerError("");
      renderPromptCount();
    } else if (result.reason === "too_long") {
      showComposerError(tooLongMessage(ui.prompt.value));
    } else {
      showComposerError(NOT_SENT[result.reason] ?? "The question could not be sent.");
    }
    ui.prompt.focus();
  }

  ui.prompt.addEventListener("input", () => {
    renderPromptCount();
    conversationHistory.setDraft(ui.prompt.value);
    // The error was about what was typed before; typing is the fix under way.
    if (ui.composerError.textContent) showComposerError("");
  });

  ui.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    submitPrompt();
  });

  ui.prompt.addEventListener("keydown", (event) => {
    // Enter sends; Shift+Enter is a newline; never interrupt an IME composition.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (!ui.send.disabled) submitPrompt();
      else showComposerError(NOT_SENT.not_connected);
    }
  });

  ui.newConversation.addEventListener("click", () => {
    chat.newConversation();
    showConversations(false);
    showComposerError("");
    ui.prompt.focus();
  });

  ui.conversationsToggle.addEventListener("click", () => {
    showConversations(ui.conversationsToggle.getAttribute("aria-expanded") !== "true");
  });

  ui.retryNow.addEventListener("click", () => {
    if (connection && connection.retryNow()) reconnectNotice.retrying();
  });

  // Sign-out reaches this user's other tabs; theirs reaches this one (each tab has its own session).
  const signOutBroadcast = createSignOutBroadcast({
    onSignedOutElsewhere: (sub) => {
      if (session.user()?.sub !== sub) return;
      disconnect();
      session.signOut("signed_out_elsewhere");
    },
  });

  ui.signOut.addEventListener("click", () => {
    const sub = session.user()?.sub;
    disconnect();
    session.signOut();
    if (sub) signOutBroadcast.announce(sub);
  });

  // The badge must not say "connected" when the browser knows it is not (liveness.js).
  window.addEventListener("offline", () => connection?.setOnline(false));
  window.addEventListener("online", () => connection?.setOnline(true));
  document.addEventListener("visibilitychange", () => {
    // A tab back from the background (or a laptop back from sleep) checks its socket at once.
    if (document.visibilityState === "visible") connection?.checkLiveness();
  });

  setConnectionState("disconnected");
  if (!session.restore()) showSignIn();
}

boot();
