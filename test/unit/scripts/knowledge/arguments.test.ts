/** scripts/knowledge/arguments.ts: the CLI's arguments and the checks every file passes before upload. */
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkFile, DocumentFileError, KnowledgeUsageError, MAX_DOCUMENT_BYTES, parseKnowledgeArgs } from "../../../../scripts/knowledge/arguments";

describe("parseKnowledgeArgs", () => {
  it("reads add, list and remove", () => {
    expect(parseKnowledgeArgs(["add", "--tenant", "tenant1", "a.md", "b.pdf"])).toEqual({ command: "add", tenant: "tenant1", files: ["a.md", "b.pdf"] });
    expect(parseKnowledgeArgs(["list"])).toEqual({ command: "list" });
    expect(parseKnowledgeArgs(["list", "--tenant", "tenant2", "--outputs", "o.json"])).toEqual({ command: "list", tenant: "tenant2", outputs: "o.json" });
    expect(parseKnowledgeArgs(["remove", "--tenant", "tenant1", "a.md"])).toEqual({ command: "remove", tenant: "tenant1", name: "a.md" });
  });

  it.each([
    [[], "expected a command"],
    [["publish"], 'unknown command "publish"'],
    [["add", "a.md"], "add needs --tenant T"],
    [["add", "--tenant", "tenant1"], "add needs at least one FILE"],
    [["add", "--tenant", "Tenant One", "a.md"], "is not a tenant id"],
    [["add", "--tenant"], "--tenant needs a value"],
    [["list", "--tenant", "t1", "--tenant", "t2"], "--tenant given twice"],
    [["list", "--force"], "unknown option --force"],
    [["list", "a.md"], "list takes no files"],
    [["remove", "--tenant", "tenant1"], "remove needs exactly one NAME"],
    [["remove", "--tenant", "tenant1", "../tenant2/a.md"], "is not a document name"],
  ])("refuses %j: %s", (argv, message) => {
    expect(() => parseKnowledgeArgs(argv)).toThrow(KnowledgeUsageError);
    expect(() => parseKnowledgeArgs(argv)).toThrow(message);
  });
});

describe("checkFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "knowledge-args-"));
  const file = (name: string, bytes: number | string) => {
    const path = join(dir, name);
    writeFileSync(path, typeof bytes === "string" ? bytes : Buffer.alloc(bytes, 97));
    return path;
  };

  it("accepts Markdown, text and PDF under the limit, naming the content type", () => {
    expect(checkFile(file("catalogue.md", "# hi"))).toMatchObject({ name: "catalogue.md", contentType: "text/markdown; charset=utf-8", size: 4 });
    expect(checkFile(file("faq.txt", "hi")).contentType).toBe("text/plain; charset=utf-8");
    expect(checkFile(file("brochure.PDF", "%PDF")).contentType).toBe("application/pdf");
    expect(checkFile(file("max.md", MAX_DOCUMENT_BYTES)).size).toBe(MAX_DOCUMENT_BYTES);
  });

  it.each([
    ["a missing file", () => join(dir, "missing.md"), "no such file"],
    ["an oversized file", () => file("big.md", MAX_DOCUMENT_BYTES + 1), "over the limit of 5242880 bytes"],
    ["an empty file", () => file("empty.txt", ""), "the file is empty"],
    ["an unsupported type", () => file("notes.docx", "x"), "unsupported type"],
    ["a name with spaces", () => file("my notes.md", "x"), "a document name is"],
    ["a sidecar name", () => file("a.md.metadata.json", "x"), "unsupported type"],
    ["a directory", () => {
      mkdirSync(join(dir, "folder.md"), { recursive: true });
      return join(dir, "folder.md");
    }, "not a regular file"],
  ])("refuses %s", (_what, path, message) => {
    expect(() => checkFile(path())).toThrow(DocumentFileError);
    expect(() => checkFile(path())).toThrow(message);
  });
});
