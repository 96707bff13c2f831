/**
 * `npm run knowledge` arguments and the checks every file passes before anything is
 * uploaded: a known tenant, an existing regular file, a supported type, a size under the
 * limit, a name the page can show as a citation. Pure, apart from `checkFile` (stat).
 */
import { statSync } from "node:fs";
import { basename, extname } from "node:path";
import { isTenantId } from "../../lambdas/common/identifiers";
import { isDocumentName, METADATA_SUFFIX } from "../../lambdas/common/knowledge-documents";

export const USAGE = [
  "usage: npm run knowledge -- add --tenant T FILE… | list [--tenant T] | remove --tenant T NAME [--outputs FILE]",
  "  add       upload Markdown (.md), text (.txt) or PDF (.pdf) files as the tenant's documents, with their",
  "            tenantId metadata, then re-index the knowledge base (an ingestion job)",
  "  list      the documents of one tenant, or of every tenant",
  "  remove    delete one document (by its NAME as `list` shows it) and its metadata, then re-index",
  "  --tenant  a tenant of the stack (its outputs name them)",
  "  --outputs stack outputs JSON (default: $STACK_OUTPUTS or .local/stack-outputs.json)",
  "  --help, -h  show this help",
].join("\n");

/** Bedrock accepts up to 50 MB per document; a catalogue or FAQ is far smaller, and a large file is more likely a mistake. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".md": "text/markdown; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".pdf": "application/pdf",
};

export class KnowledgeUsageError extends Error {
  readonly code = "bad_arguments";
  constructor(message: string) {
    super(message);
    this.name = "KnowledgeUsageError";
  }
}

/** A file that cannot become a document (missing, too big, wrong type, bad name). */
export class DocumentFileError extends Error {
  readonly code = "bad_document";
  constructor(message: string) {
    super(message);
    this.name = "DocumentFileError";
  }
}

export type KnowledgeArgs =
  | { command: "add"; tenant: string; files: string[]; outputs?: string }
  | { command: "list"; tenant?: string; outputs?: string }
  | { command: "remove"; tenant: string; name: string; outputs?: string };

export function isHelpRequest(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === "--help" || arg === "-h");
}

export function parseKnowledgeArgs(argv: readonly string[]): KnowledgeArgs {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith("--")) {
      if (arg !== "--tenant" && arg !== "--outputs") throw new KnowledgeUsageError(`unknown option ${arg} (see --help)`);
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw new KnowledgeUsageError(`${arg} needs a value`);
      if (flags[arg.slice(2)] !== undefined) throw new KnowledgeUsageError(`${arg} given twice`);
      flags[arg.slice(2)] = value;
      i++;
    } else positional.push(arg);
  }
  const [command, ...rest] = positional;
  const tenant = flags.tenant;
  if (tenant !== undefined && !isTenantId(tenant)) throw new KnowledgeUsageError(`--tenant ${JSON.stringify(String(tenant).slice(0, 40))} is not a tenant id`);
  const outputs = flags.outputs === undefined ? {} : { outputs: flags.outputs };
  switch (command) {
    case "add":
      if (tenant === undefined) throw new KnowledgeUsageError("add needs --tenant T");
      if (rest.length === 0) throw new KnowledgeUsageError("add needs at least one FILE");
      return { command, tenant, files: rest, ...outputs };
    case "list":
      if (rest.length > 0) throw new KnowledgeUsageError(`list takes no files (got ${JSON.stringify(rest[0])})`);
      return tenant === undefined ? { command, ...outputs } : { command, tenant, ...outputs };
    case "remove":
      if (tenant === undefined) throw new KnowledgeUsageError("remove needs --tenant T");
      if (rest.length !== 1) throw new KnowledgeUsageError("remove needs exactly one NAME");
      if (!isDocumentName(rest[0])) throw new KnowledgeUsageError(`${JSON.stringify(String(rest[0]).slice(0, 60))} is not a document name`);
      return { command, tenant, name: rest[0], ...outputs };
    case undefined:
      throw new KnowledgeUsageError("expected a command: add, list or remove");
    default:
      throw new KnowledgeUsageError(`unknown command ${JSON.stringify(String(command).slice(0, 40))} (add, list or remove)`);
  }
}

export interface CheckedFile {
  path: string;
  /** The document name: the file's base name. */
  name: string;
  contentType: string;
  size: number;
}

/** A file the CLI may upload, or a DocumentFileError saying why not. */
export function checkFile(path: string, stat: (p: string) => { isFile(): boolean; size: number } = statSync): CheckedFile {
  const name = basename(path);
  const contentType = CONTENT_TYPES[extname(name).toLowerCase()];
  if (contentType === undefined) {
    throw new DocumentFileError(`${name}: unsupported type (Markdown .md, text .txt or PDF .pdf)`);
  }
  if (!isDocumentName(name) || name.endsWith(METADATA_SUFFIX)) {
    throw new DocumentFileError(`${name}: a document name is 1-100 of [A-Za-z0-9._-], starting with a letter or digit`);
  }
  let info: { isFile(): boolean; size: number };
  try {
    info = stat(path);
  } catch {
    throw new DocumentFileError(`${path}: no such file`);
  }
  if (!info.isFile()) throw new DocumentFileError(`${path}: not a regular file`);
  if (info.size === 0) throw new DocumentFileError(`${name}: the file is empty`);
  if (info.size > MAX_DOCUMENT_BYTES) {
    throw new DocumentFileError(`${name}: ${info.size} bytes is over the limit of ${MAX_DOCUMENT_BYTES} bytes (5 MB)`);
  }
  return { path, name, contentType, size: info.size };
}
