/**
 * A Cognito client that notices when the page's configuration went stale. The page loads
 * `/config.json` once; after the stack is redeployed (or the local stack restarted) the
 * app client id it holds no longer exists, and every sign-in would fail until the user
 * reloads the tab. Here a call refused in a way a new configuration can explain
 * (`ResourceNotFoundException`: no such app client or pool; `NetworkError`: nothing
 * listens at the old endpoint) fetches `/config.json` again and, when the client id or
 * the endpoint changed, makes the same call ONCE more with a client for the new settings.
 * Otherwise the original error stands, for messages.js to explain.
 */
import { CognitoError, createCognitoClient } from "./cognito.js";

/** @typedef {import("./cognito.js").CognitoClient} CognitoClient */
/** @typedef {import("./config.js").PageConfig} PageConfig */
/**
 * @typedef {object} ReloadingCognito
 * @property {() => PageConfig} config the configuration in use now
 * @property {CognitoClient["signIn"]} signIn
 * @property {CognitoClient["completeNewPassword"]} completeNewPassword
 * @property {CognitoClient["refresh"]} refresh
 * @property {CognitoClient["revoke"]} revoke
 */
/**
 * @typedef {object} ReloadingCognitoOptions
 * @property {PageConfig} config the configuration the page booted with
 * @property {() => Promise<PageConfig>} loadConfig fetches `/config.json` again (config.js loadWebConfig)
 * @property {(config: PageConfig) => CognitoClient} [createClient]
 * @property {(config: PageConfig) => void} [onConfig] told when a new configuration is adopted
 */

/** Cognito error codes a newer configuration can cure. */
export const STALE_CONFIG_CODES = Object.freeze(["ResourceNotFoundException", "NetworkError"]);

/**
 * Pure: whether `error` may mean the page's configuration is out of date.
 * @param {unknown} error
 */
export function mayBeStaleConfig(error) {
  return error instanceof CognitoError && STALE_CONFIG_CODES.includes(error.code);
}

/**
 * Pure: whether the Cognito part of the configuration changed.
 * @param {PageConfig} before
 * @param {PageConfig} after
 */
export function cognitoConfigChanged(before, after) {
  return before.userPoolClientId !== after.userPoolClientId || before.cognitoEndpoint !== after.cognitoEndpoint;
}

/** @param {PageConfig} config */
const defaultClient = (config) => createCognitoClient({ endpoint: config.cognitoEndpoint, clientId: config.userPoolClientId });

/**
 * @param {ReloadingCognitoOptions} options
 * @returns {ReloadingCognito}
 */
export function createReloadingCognito({ config, loadConfig, createClient = defaultClient, onConfig = () => {} }) {
  let current = config;
  let client = createClient(config);
  /** @type {Promise<boolean> | null} one reload at a time, shared by concurrent calls */
  let reloading = null;

  /** True when a different Cognito configuration was adopted. */
  function reload() {
    reloading ??= (async () => {
      try {
        const fresh = await loadConfig();
        if (!cognitoConfigChanged(current, fresh)) return false;
        current = fresh;
        client = createClient(fresh);
        onConfig(fresh);
        return true;
      } catch {
        // The configuration cannot be fetched either: the original refusal explains more.
        return false;
      } finally {
        reloading = null;
      }
    })();
    return reloading;
  }

  /**
   * @template T
   * @param {(client: CognitoClient) => Promise<T>} call
   * @returns {Promise<T>}
   */
  async function withReload(call) {
    const used = client;
    try {
      return await call(used);
    } catch (error) {
      if (!mayBeStaleConfig(error)) throw error;
      // Another call may already have swapped the client while this one was under way.
      if (client === used && !(await reload())) throw error;
      return call(client);
    }
  }

  return {
    config: () => current,
    signIn: (username, password) => withReload((c) => c.signIn(username, password)),
    completeNewPassword: (username, newPassword, session) => withReload((c) => c.completeNewPassword(username, newPassword, session)),
    refresh: (refreshToken) => withReload((c) => c.refresh(refreshToken)),
    revoke: (refreshToken) => withReload((c) => c.revoke(refreshToken)),
  };
}
