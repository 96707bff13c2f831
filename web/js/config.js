/** The page's `/config.json` (scripts/web-server.ts WebConfig), checked before use. */

export class ConfigError extends Error {
  constructor(message) {
    super(message);
    this.name = "ConfigError";
    this.code = "bad_config";
  }
}

const FIELDS = ["region", "userPoolClientId", "cognitoEndpoint", "webSocketUrl", "webSocketProtocol"];

/** Pure: a validated config, or a ConfigError naming the first problem. */
export function parseWebConfig(raw) {
  if (typeof raw !== "object" || raw === null) throw new ConfigError("config.json is not an object");
  for (const field of FIELDS) {
    if (typeof raw[field] !== "string" || raw[field].length === 0) throw new ConfigError(`config.json has no ${field}`);
  }
  if (!/^wss?:\/\//.test(raw.webSocketUrl)) throw new ConfigError("config.json webSocketUrl is not a ws:// or wss:// URL");
  if (!/^https?:\/\//.test(raw.cognitoEndpoint)) throw new ConfigError("config.json cognitoEndpoint is not an http(s) URL");
  const config = {};
  for (const field of FIELDS) config[field] = raw[field];
  return config;
}

export async function loadWebConfig(fetchImpl = (...args) => globalThis.fetch(...args)) {
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
