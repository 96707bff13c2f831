/**
 * The browser suite (test/e2e/) runs its files in name order; every other project keeps
 * Jest's own order. One stack serves the whole suite and a
 * user's first sign-in (the new-password step) happens only once: chat.test.ts owns the
 * first-sign-in tests for tenant1-user and tenant2-user, so it must run before any other
 * file signs those users in. Jest's default order (by past duration, then size) would make
 * that depend on the cache.
 */
const path = require("node:path");
const Sequencer = require("@jest/test-sequencer").default;

class NameOrderSequencer extends Sequencer {
  sort(tests) {
    const browser = (test) => test.path.includes(`${path.sep}test${path.sep}e2e${path.sep}`);
    if (!tests.every(browser)) return super.sort(tests);
    return [...tests].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}

module.exports = NameOrderSequencer;
