/**
 * The "Connection lost" panel under the conversation. Its countdown ("Trying again in
 * 4 s.") counts down every second and is NOT a live region: a screen reader would read
 * it out on every tick. What is announced goes to a separate polite status, once per
 * situation (connection lost, offline, connected again), however many attempts follow.
 */

/**
 * @typedef {object} NoticeTimers
 * @property {(fn: () => void, ms: number) => unknown} setInterval
 * @property {(id: unknown) => void} clearInterval
 */
/**
 * @typedef {object} ReconnectNoticeNodes
 * @property {HTMLElement} panel `#reconnect`, hidden unless reconnecting or offline
 * @property {HTMLElement} text `#reconnect-text`, the visible countdown (not live)
 * @property {HTMLButtonElement} retryNow
 * @property {HTMLElement} announcer `#connection-announcer`, a polite status always in the page
 */
/**
 * @typedef {object} ReconnectNotice
 * @property {(delayMs: number) => void} waiting a retry is scheduled in `delayMs`
 * @property {() => void} retrying an attempt is under way now
 * @property {(state: import("./connection.js").ConnectionState) => void} state the connection's state changed
 */

export const ANNOUNCEMENTS = Object.freeze({
  lost: "Connection lost. The page keeps trying to reconnect.",
  offline: "You are offline. The page reconnects when your connection is back.",
  back: "Connected again.",
});

/**
 * Pure: the countdown sentence for the time left.
 * @param {number} msLeft
 */
export function countdownText(msLeft) {
  const seconds = Math.ceil(msLeft / 1000);
  return seconds > 0 ? `Connection lost. Trying again in ${seconds} s.` : "Connection lost. Trying again now…";
}

/**
 * @param {ReconnectNoticeNodes & { timers?: NoticeTimers, now?: () => number }} options
 * @returns {ReconnectNotice}
 */
export function createReconnectNotice({
  panel,
  text,
  retryNow,
  announcer,
  timers = { setInterval: (fn, ms) => setInterval(fn, ms), clearInterval: (id) => clearInterval(/** @type {number} */ (id)) },
  now = () => Date.now(),
}) {
  /** @type {unknown} */
  let ticker = null;
  /** @type {"none" | "lost" | "offline"} what was last announced */
  let announced = "none";

  function stopTicking() {
    if (ticker !== null) timers.clearInterval(ticker);
    ticker = null;
  }

  /** @param {"lost" | "offline" | "back"} what */
  function announce(what) {
    announcer.textContent = ANNOUNCEMENTS[what];
    announced = what === "back" ? "none" : what;
  }

  return {
    waiting(delayMs) {
      stopTicking();
      const due = now() + delayMs;
      const tick = () => {
        text.textContent = countdownText(due - now());
        if (due - now() <= 0) stopTicking();
      };
      tick();
      // A quarter-second beat keeps the shown second within 250 ms of the truth.
      ticker = timers.setInterval(tick, 250);
      retryNow.disabled = false;
      retryNow.hidden = false;
    },
    retrying() {
      stopTicking();
      text.textContent = "Trying again now…";
      retryNow.disabled = true;
    },
    state(state) {
      panel.hidden = state !== "reconnecting" && state !== "offline";
      if (state === "offline") {
        stopTicking();
        text.textContent = ANNOUNCEMENTS.offline;
        retryNow.hidden = true;
        if (announced !== "offline") announce("offline");
      } else if (state === "reconnecting") {
        if (announced !== "lost") announce("lost");
      } else {
        stopTicking();
        text.textContent = "";
        if (state === "connected" && announced !== "none") announce("back");
        else if (state === "disconnected") announced = "none";
      }
    },
  };
}
