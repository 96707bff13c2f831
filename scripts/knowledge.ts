/**
 * `npm run knowledge -- add --tenant T FILE… | list [--tenant T] | remove --tenant T NAME
 * [--outputs F]`: the operator's tool for a tenant's knowledge documents on any stack
 * (I18). `add` and `remove` re-index the knowledge base and wait for the ingestion job.
 */
import { checkFile, DocumentFileError, isHelpRequest, KnowledgeUsageError, parseKnowledgeArgs, USAGE } from "./knowledge/arguments";
import {
  ingest,
  IngestionError,
  knowledgeContext,
  listDocuments,
  NoSuchDocumentError,
  putDocuments,
  removeDocument,
  requireTenant,
  UnknownTenantError,
  type DocumentEntry,
  type KnowledgeContext,
} from "./knowledge/documents";
import { loadStackOutputs, resolveOutputsPath, StackOutputsError } from "../local/runtime/stack-outputs";

export function formatEntry(e: DocumentEntry): string {
  return `${e.tenantId.padEnd(12)} ${e.name.padEnd(40)} ${String(e.size).padStart(9)} B  ${e.lastModified?.toISOString().slice(0, 19) ?? ""}`;
}

const KNOWN_ERRORS = [DocumentFileError, UnknownTenantError, NoSuchDocumentError, IngestionError, StackOutputsError];

export async function runKnowledgeCli(
  argv: readonly string[],
  io = { out: console.log, err: console.error },
  context: (outputsFile: string) => KnowledgeContext = (file) => knowledgeContext(loadStackOutputs(file)),
): Promise<number> {
  if (isHelpRequest(argv)) {
    io.out(USAGE);
    return 0;
  }
  let c: KnowledgeContext | undefined;
  try {
    const args = parseKnowledgeArgs(argv);
    c = context(resolveOutputsPath(args.outputs));
    if (args.tenant !== undefined) requireTenant(c.outputs, args.tenant);
    // Every file is checked before anything is uploaded: all or nothing.
    const files = args.command === "add" ? args.files.map((f) => checkFile(f)) : [];
    if (args.command === "list") {
      const entries = await listDocuments(c, args.tenant);
      io.out(entries.length === 0 ? "no documents" : entries.map(formatEntry).join("\n"));
      return 0;
    }
    if (args.command === "add") {
      const names = await putDocuments(c, args.tenant, files);
      io.out(`uploaded for ${args.tenant}: ${names.join(", ")}`);
    } else {
      await removeDocument(c, args.tenant, args.name);
      io.out(`removed ${args.name} of ${args.tenant}`);
    }
    const job = await ingest(c);
    const s = job.statistics;
    io.out(
      `knowledge base re-indexed (job ${job.ingestionJobId}: ${s?.numberOfDocumentsScanned ?? 0} scanned, ` +
        `${s?.numberOfNewDocumentsIndexed ?? 0} new, ${s?.numberOfModifiedDocumentsIndexed ?? 0} modified, ${s?.numberOfDocumentsDeleted ?? 0} deleted, ` +
        `${s?.numberOfDocumentsFailed ?? 0} failed)`,
    );
    return 0;
  } catch (error) {
    if (error instanceof KnowledgeUsageError) io.err(`${error.message}\n${USAGE}`);
    else if (KNOWN_ERRORS.some((k) => error instanceof k)) io.err((error as Error).message);
    else io.err(`knowledge: ${(error as Error).name}: ${(error as Error).message}`);
    return error instanceof KnowledgeUsageError ? 2 : 1;
  } finally {
    c?.destroy();
  }
}

if (require.main === module) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  runKnowledgeCli(process.argv.slice(2)).then((code) => process.exit(code));
}
