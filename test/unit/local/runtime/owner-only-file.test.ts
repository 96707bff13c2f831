/** Secret files are 0600 and the directories holding them 0700, always (also when left by an earlier run). */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ownerOnlyDir, writeOwnerOnlyFile } from "../../../../local/runtime/owner-only-file";

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

describe("ownerOnlyDir", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "mta-owner-only-dir-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("creates the directory (and missing parents) with mode 0700 whatever the umask", () => {
    const previous = process.umask(0o022);
    try {
      const path = ownerOnlyDir(join(dir, "state", "cognito"));
      expect(path).toBe(join(dir, "state", "cognito"));
      expect(statSync(path).mode & 0o777).toBe(0o700);
      expect(statSync(join(dir, "state")).mode & 0o777).toBe(0o700);
    } finally {
      process.umask(previous);
    }
  });

  it("narrows a world-readable directory left by an earlier run, keeping its contents", () => {
    const path = join(dir, "logs");
    mkdirSync(path, { mode: 0o755 });
    chmodSync(path, 0o755);
    writeFileSync(join(path, "chat.log"), "kept");
    ownerOnlyDir(path);
    expect(statSync(path).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(path, "chat.log"), "utf8")).toBe("kept");
  });
});
