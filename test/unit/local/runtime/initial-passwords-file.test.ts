/** The local stack's initial passwords: an owner-only file of its own (I19), read back with clear errors. */
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  INITIAL_PASSWORDS_FILE_NAME,
  InitialPasswordsFileError,
  readInitialPasswordsFile,
  writeInitialPasswordsFile,
} from "../../../../local/runtime/initial-passwords-file";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mta-initial-passwords-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the initial passwords file", () => {
  it("is written owner-only (0600) in the state directory and read back", () => {
    const path = writeInitialPasswordsFile(dir, { "tenant1-user": "Temp-Pass-1!abc" });
    expect(path).toBe(join(dir, INITIAL_PASSWORDS_FILE_NAME));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readInitialPasswordsFile(path)).toEqual({ "tenant1-user": "Temp-Pass-1!abc" });
  });

  it("narrows a world-readable file an earlier run left", () => {
    const path = join(dir, INITIAL_PASSWORDS_FILE_NAME);
    writeFileSync(path, "{}", { mode: 0o644 });
    chmodSync(path, 0o644);
    writeInitialPasswordsFile(dir, { u: "Temp-Pass-1!abc" });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it.each([
    ["missing", null, /cannot read the local stack's initial passwords at .*still running/],
    ["not JSON", "{", /is not valid JSON/],
    ["not a map of strings", JSON.stringify({ u: 1 }), /is not a map of username to initial password/],
  ])("a %s file is a clear error that quotes nothing of it", (_, content, message) => {
    const path = join(dir, INITIAL_PASSWORDS_FILE_NAME);
    if (content !== null) writeFileSync(path, content);
    expect(() => readInitialPasswordsFile(path)).toThrow(InitialPasswordsFileError);
    expect(() => readInitialPasswordsFile(path)).toThrow(message);
  });
});
