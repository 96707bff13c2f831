"use strict";
/**
 * cognito-local as the local stack's child (forked by cognito.ts with an IPC
 * channel). Its database holds plaintext passwords and refresh tokens: everything it
 * creates is owner-only. It has no use without the stack in front of it, so it exits as
 * soon as its parent goes away (the IPC channel closes, also when the parent is killed).
 */
process.umask(0o077);
process.on("disconnect", () => process.exit(0));
if (!process.connected) process.exit(0);
require("cognito-local/lib/bin/start.js");
