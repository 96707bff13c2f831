/**
 * Where the message log is scrolled: new text is followed only while the reader is at the
 * end (never yanking them back while they read), a question the user sends always comes
 * into view, and answers arriving while they are scrolled up raise the "New messages" cue,
 * which scrolls to the end and goes away once the end is reached.
 */

/** Closer than this to the end counts as "at the end". */
export const NEAR_BOTTOM_PX = 80;

/**
 * @typedef {object} ScrollFollow
 * @property {() => boolean} atEnd
 * @property {(follow: boolean) => void} afterUpdate new content arrived; `follow` as read before it
 * @property {() => void} reveal scroll to the end (the user's own question)
 */

/**
 * @param {{ messages: HTMLElement, cue?: HTMLElement | null }} options
 * @returns {ScrollFollow}
 */
export function createScrollFollow({ messages, cue = null }) {
  const atEnd = () => messages.scrollHeight - messages.scrollTop - messages.clientHeight < NEAR_BOTTOM_PX;
  const hideCue = () => {
    if (cue) cue.hidden = true;
  };
  function reveal() {
    messages.scrollTop = messages.scrollHeight;
    hideCue();
  }
  messages.addEventListener("scroll", () => {
    if (atEnd()) hideCue();
  });
  cue?.addEventListener("click", () => {
    reveal();
    messages.focus({ preventScroll: true });
  });
  return {
    atEnd,
    afterUpdate(follow) {
      if (follow) reveal();
      else if (cue && messages.scrollHeight > messages.clientHeight) cue.hidden = false;
    },
    reveal,
  };
}
