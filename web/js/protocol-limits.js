/**
 * API Gateway WebSocket limits that the page, the chat function and the local API Gateway
 * stand-in all depend on, defined once (AWS quota table "Quotas for configuring and
 * running a WebSocket in API Gateway", checked 2026-12-02: connection duration 2 hours,
 * idle timeout 10 minutes, neither can be raised).
 *
 * Why a plain ES module under web/js/: the page has no build step and can only import
 * what the web server serves, so the one definition must be JavaScript the browser runs
 * as is. TypeScript (lambdas/, local/) imports this same file through `allowJs`, reading
 * the JSDoc types. Imports stay one-way: this file imports nothing, and only constants
 * flow from it into a Lambda bundle (bytes, not modules).
 */

/** @type {number} API Gateway closes every WebSocket connection this long after `$connect`. */
export const MAX_CONNECTION_MS = 2 * 60 * 60 * 1000;

/** @type {number} API Gateway closes a WebSocket connection that carried no frame for this long. */
export const IDLE_TIMEOUT_MS = 10 * 60 * 1000;
