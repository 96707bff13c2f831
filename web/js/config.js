/** The page's `/config.json` (WebConfig in local/hosting/page-server.ts), checked before use. */

/**
 * @typedef {object} PageConfig
 * @property {string} region
 * @property {string} userPoolClientId
 * @property {string} cognitoEndpoint
 * @property {string} webSocketUrl
 * @property {string} webSocketProtocol
 */
/** @typedef {(url: string, init: { cache: RequestCache }) => Promise<{ ok: boolean, status: number, json(): Promise<unknown> }>} ConfigFetch */

export class ConfigError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "ConfigError";
    /** @readonly */
    this.code = /** @type {const} */ ("bad_config");
  }
}

/** @type {readonly (keyof PageConfig)[]} */
const FIELDS = ["region", "userPoolClientId", "cognitoEndpoint", "webSocketUrl", "webSocketProtocol"];

/**
 * Pure: a validated config, or a ConfigError naming the first problem.
 * @param {unknown} value
 * @returns {PageConfig}
 */
export function parseWebConfig(value) {
  if (typeof value !== "object" || value === null) throw new ConfigError("config.json is not an object");
  const raw = /** @type {Record<string, unknown>} */ (value);
  for (const field of FIELDS) {
    if (typeof raw[field] !== "string" || raw[field].length === 0) throw new ConfigError(`config.json has no ${field}`);
  }
  if (!/^wss?:\/\//.test(/** @type {string} */ (raw.webSocketUrl))) throw new ConfigError("config.json webSocketUrl is not a ws:// or wss:// URL");
  if (!/^https?:\/\//.test(/** @type {string} */ (raw.cognitoEndpoint))) throw new ConfigError("config.json cognitoEndpoint is not an http(s) URL");
  const config = /** @type {PageConfig} */ ({});
  for (const field of FIELDS) config[field] = /** @type {string} */ (raw[field]);
  return config;
}

/**
 * @param {ConfigFetch} [fetchImpl]
 * @returns {Promise<PageConfig>}
 */
export async function loadWebConfig(fetchImpl = (url, init) => globalThis.fetch(url, init)) {
  let response;
  try {
    response = await fetchImpl("/config.json", { cache: "no-store" });
  } catch {
    throw new ConfigError("cannot load /config.json");
  }
  if (!response.ok) throw new ConfigError(`/config.json answered ${response.status}`);
  let raw;
  try {
    raw = await response.json();
  } catch {
    throw new ConfigError("config.json is not JSON");
  }
  return parseWebConfig(raw);
}
