// Types for config.js.
export interface PageConfig {
  region: string;
  userPoolClientId: string;
  cognitoEndpoint: string;
  webSocketUrl: string;
  webSocketProtocol: string;
}
export declare class ConfigError extends Error {
  readonly code: "bad_config";
}
export declare function parseWebConfig(raw: unknown): PageConfig;
export declare function loadWebConfig(fetchImpl?: (url: string, init: { cache: string }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>): Promise<PageConfig>;
