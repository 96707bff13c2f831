/** Stops the local stack the e2e global setup booted and removes its temp state. */
import { rmSync } from "node:fs";
import { E2E_OUTPUTS_ENV } from "../support/stack/outputs";

export default async function globalTeardown(): Promise<void> {
  const booted = globalThis.__E2E_LOCAL_STACK__;
  if (!booted) return;
  globalThis.__E2E_LOCAL_STACK__ = undefined;
  try {
    await booted.stack.stop();
  } finally {
    rmSync(booted.stateDir, { recursive: true, force: true });
    delete process.env[E2E_OUTPUTS_ENV];
  }
}
