/**
 * Wires the page together: loads /config.json, then the sign-in form, the session,
 * the WebSocket connection and the conversation. Everything else lives in modules
 * with one concern each.
 */
import { createChat } from "./chat.js";
import { CognitoError, createCognitoClient } from "./cognito.js";
import { loadWebConfig } from "./config.js";
import { createConnection } from "./connection.js";
import { signInErrorMessage } from "./messages.js";
import { createChatView, renderConnectionState, renderWho } from "./render.js";
import { createSession } from "./session.js";

const $ = (id) => document.getElementById(id);

const ui = {
  appError: $("app-error"),
  sessionBar: $("session-bar"),
  who: $("who"),
  connectionState: $("connection-state"),
  newConversation: $("new-conversation"),
  signOut: $("sign-out"),
  signinView: $("signin-view"),
  signinForm: $("signin-form"),
  signinTitle: $("signin-title"),
  signinNotice: $("signin-notice"),
  passwordStep: $("password-step"),
  newPasswordStep: $("new-password-step"),
  username: $("username"),
  password: $("password"),
  newPassword: $("new-password"),
  signinError: $("signin-error"),
  signIn: $("sign-in"),
  startOver: $("start-over"),
  chatView: $("chat-view"),
  messages: $("messages"),
  notice: $("notice"),
  composer: $("composer"),
  prompt: $("prompt"),
  send: $("send"),
  composerHint: $("composer-hint"),
};

const COMPOSER_HINT = "Enter sends · Shift+Enter adds a line";
const NOT_SENT = {
  empty: "Type a question first.",
  too_long: "That question is too long (4,000 characters at most).",
  not_connected: "Not connected right now; your question is kept. It can be sent once connected.",
  signed_out: "Please sign in again.",
  bad_identity: "Your sign-in looks incomplete. Please sign out and in again.",
};
const SIGNED_OUT_NOTICE = {
  expired: "Your session expired. Please sign in again.",
  signed_out: "You are signed out.",
};

function fatal(message) {
  ui.appError.textContent = message;
  ui.appError.hidden = false;
  ui.signinView.hidden = true;
  ui.chatView.hidden = true;
}

async function boot() {
  let config;
  try {
    config = await loadWebConfig();
  } catch (error) {
    fatal(`The page is not configured (${error.message}). Is the stack running?`);
    return;
  }

  const cognito = createCognitoClient({ endpoint: config.cognitoEndpoint, clientId: config.userPoolClientId });
  const session = createSession({ cognito, storage: window.sessionStorage });
  const view = createChatView({ messages: ui.messages, notice: ui.notice });
  let connection = null;

  const chat = createChat({
    send: (message) => (connection ? connection.send(message) : false),
    getUser: () => session.user(),
    view,
    onTokenExpired: () => connection && connection.renew(),
  });

  function setConnectionState(state) {
    renderConnectionState(ui.connectionState, state);
    ui.send.disabled = state !== "connected";
    if (state === "connected") ui.notice.textContent = "";
  }

  function connect() {
    if (connection) return;
    connection = createConnection({
      url: config.webSocketUrl,
      protocol: config.webSocketProtocol,
      getToken: (options) => session.getIdToken(options),
      onState: setConnectionState,
      onMessage: (data) => chat.handleFrame(data),
      onDrop: () => chat.connectionLost(),
      canRenew: () => !chat.busy(),
    });
    connection.start();
  }

  function disconnect() {
    if (!connection) return;
    const closing = connection;
    connection = null;
    closing.stop();
  }

  // ---- sign-in form -------------------------------------------------------------------
  function showPasswordStep() {
    session.cancelNewPassword();
    ui.passwordStep.hidden = false;
    ui.newPasswordStep.hidden = true;
    ui.startOver.hidden = true;
    ui.signinTitle.textContent = "Sign in";
    ui.signIn.textContent = "Sign in";
    ui.newPassword.value = "";
    ui.newPassword.required = false;
  }

  function showNewPasswordStep() {
    ui.passwordStep.hidden = true;
    ui.newPasswordStep.hidden = false;
    ui.startOver.hidden = false;
    ui.signinTitle.textContent = "Choose a new password";
    ui.signIn.textContent = "Set password and sign in";
    ui.newPassword.required = true;
    ui.password.value = "";
    ui.newPassword.focus();
  }

  function showSignIn(notice = "") {
    disconnect();
    renderWho(ui.who, null);
    chat.newConversation();
    ui.sessionBar.hidden = true;
    ui.chatView.hidden = true;
    ui.signinView.hidden = false;
    ui.signinNotice.textContent = notice;
    ui.signinError.textContent = "";
    showPasswordStep();
    ui.password.value = "";
    (ui.username.value ? ui.password : ui.username).focus();
  }

  function showChat(user) {
    renderWho(ui.who, user);
    ui.signinView.hidden = true;
    ui.sessionBar.hidden = false;
    ui.chatView.hidden = false;
    ui.composerHint.textContent = COMPOSER_HINT;
    connect();
    ui.prompt.focus();
  }

  session.onChange((user, reason) => {
    if (user) {
      if (reason !== "refreshed") showChat(user);
      else renderWho(ui.who, user);
    } else {
      showSignIn(SIGNED_OUT_NOTICE[reason] ?? "");
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

  ui.startOver.addEventListener("click", () => {
    ui.signinError.textContent = "";
    showPasswordStep();
    ui.password.focus();
  });

  // ---- conversation -------------------------------------------------------------------
  function submitPrompt() {
    const result = chat.ask(ui.prompt.value);
    if (result.ok) {
      ui.prompt.value = "";
      ui.composerHint.textContent = COMPOSER_HINT;
    } else {
      ui.composerHint.textContent = NOT_SENT[result.reason] ?? "The question could not be sent.";
    }
    ui.prompt.focus();
  }

  ui.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    submitPrompt();
  });

  ui.prompt.addEventListener("keydown", (event) => {
    // Enter sends; Shift+Enter is a newline; never interrupt an IME composition.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (!ui.send.disabled) submitPrompt();
      else ui.composerHint.textContent = NOT_SENT.not_connected;
    }
  });

  ui.newConversation.addEventListener("click", () => {
    chat.newConversation();
    ui.prompt.focus();
  });

  ui.signOut.addEventListener("click", () => {
    disconnect();
    session.signOut();
  });

  window.addEventListener("online", () => connection && connection.retryNow());

  setConnectionState("disconnected");
  if (!session.restore()) showSignIn();
}

boot();
