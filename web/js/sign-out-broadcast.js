/**
 * Sign-out reaches every tab of this browser. Each tab keeps its own session
 * (sessionStorage), so signing out in one tab would otherwise leave another tab of the
 * same user signed in, connected and refreshing its tokens. The tab that signs out
 * announces it on a BroadcastChannel (same origin only); every other tab signed in as
 * the same user ends its own session too (revokes its refresh token, closes its socket,
 * clears its storage) and shows the sign-in screen. Only the user's `sub` crosses tabs,
 * never a token.
 */

export const SIGN_OUT_CHANNEL = "mta.sign-out";

/**
 * @typedef {object} ChannelLike
 * @property {(message: unknown) => void} postMessage
 * @property {((event: { data: unknown }) => void) | null} onmessage
 * @property {() => void} close
 */
/**
 * @typedef {object} SignOutBroadcast
 * @property {(sub: string) => void} announce tell the other tabs that `sub` signed out
 * @property {() => void} close
 */

/**
 * Pure: the sub a message announces as signed out, or undefined for anything else.
 * @param {unknown} data
 * @returns {string | undefined}
 */
export function signedOutSub(data) {
  if (typeof data !== "object" || data === null) return undefined;
  const { type, sub } = /** @type {{ type?: unknown, sub?: unknown }} */ (data);
  return type === "signed_out" && typeof sub === "string" && sub.length > 0 && sub.length <= 64 ? sub : undefined;
}

/**
 * @param {{
 *   onSignedOutElsewhere: (sub: string) => void,
 *   createChannel?: ((name: string) => ChannelLike) | null,
 * }} options `createChannel` defaults to the browser's BroadcastChannel (none: sign-out
 *   stays in this tab)
 * @returns {SignOutBroadcast}
 */
export function createSignOutBroadcast({ onSignedOutElsewhere, createChannel = defaultChannel() }) {
  /** @type {ChannelLike | null} */
  let channel = null;
  try {
    channel = createChannel ? createChannel(SIGN_OUT_CHANNEL) : null;
  } catch {
    channel = null;
  }
  if (channel) {
    channel.onmessage = (event) => {
      const sub = signedOutSub(event.data);
      if (sub !== undefined) onSignedOutElsewhere(sub);
    };
  }
  return {
    announce(sub) {
      try {
        if (channel) channel.postMessage({ type: "signed_out", sub });
      } catch {
        // A closed channel: nothing left to tell.
      }
    },
    close() {
      if (channel) channel.close();
      channel = null;
    },
  };
}

/** @returns {((name: string) => ChannelLike) | null} */
function defaultChannel() {
  const Channel = globalThis.BroadcastChannel;
  return typeof Channel === "function" ? (name) => /** @type {ChannelLike} */ (/** @type {unknown} */ (new Channel(name))) : null;
}
