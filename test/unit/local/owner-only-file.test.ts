/** The stack outputs file holds admin keys, passwords and the control token: mode 0600, always. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeOwnerOnlyFile } from "../../../local/owner-only-file";

describe("writeOwnerOnlyFile", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "mta-owner-only-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("creates the file with mode 0600", () => {
    const path = join(dir, "stack-outputs.json");
    writeOwnerOnlyFile(path, '{"a":1}\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8")).toBe('{"a":1}\n');
  });

  it("narrows a world-readable file left by an earlier run", () => {
    const path = join(dir, "stack-outputs.json");
    writeFileSync(path, "old", { mode: 0o644 });
    expect(statSync(path).mode & 0o777).toBe(0o644);
    writeOwnerOnlyFile(path, "new");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8")).toBe("new");
  });
});
