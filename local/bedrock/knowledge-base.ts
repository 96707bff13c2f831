/**
 * The local knowledge base: what a Bedrock knowledge base over an S3 data source does,
 * with full-text search (MiniSearch: BM25-style ranking, no model, nothing downloaded)
 * in place of embeddings and a vector index.
 *
 * Ingestion reads every object of the data-source bucket from the S3 stand-in's store,
 * takes each document's metadata from its `.metadata.json` sidecar (`metadataAttributes`),
 * splits Markdown and text into passages and indexes them; a PDF is indexed by its name
 * only (no text extraction locally). Retrieval applies the filter it is given EXACTLY
 * (retrieval-filter.ts): with no filter it searches every tenant's passages, as AWS
 * would, which is why the chat function must always send one (I18).
 */
import MiniSearch from "minisearch";
import { METADATA_SUFFIX } from "../../lambdas/common/knowledge-documents";
import type { ObjectStore } from "../s3/object-store";
import { matchesFilter, type Metadata, type MetadataValue, type RetrievalFilter } from "./retrieval-filter";

export interface RetrievedPassage {
  text: string;
  /** `s3://<bucket>/<key>` of the source document. */
  uri: string;
  metadata: Metadata;
  score: number;
}

export interface IngestionStatistics {
  numberOfDocumentsScanned: number;
  numberOfNewDocumentsIndexed: number;
  numberOfDocumentsDeleted: number;
  numberOfDocumentsFailed: number;
}

interface PassageRecord {
  id: number;
  text: string;
  title: string;
  uri: string;
  metadata: Metadata;
}

/** Passages are paragraphs, joined up to this length so a heading travels with its text. */
const PASSAGE_CHARS = 600;

/** Common words that would otherwise match every passage ("what do you…"). */
const STOP_WORDS = new Set(
  "a an and are as at be but by can do does for from have how i in is it me my of on or our please show tell that the their them they this to us we what when where which who why will with you your".split(" "),
);

export function splitPassages(text: string): string[] {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const passages: string[] = [];
  let current = "";
  for (const paragraph of paragraphs) {
    if (current && current.length + paragraph.length + 2 > PASSAGE_CHARS) {
      passages.push(current);
      current = "";
    }
    current = current ? `${current}\n\n${paragraph}` : paragraph;
  }
  if (current) passages.push(current);
  return passages;
}

/** A sidecar's `metadataAttributes` (string, number and boolean values only). */
export function readSidecar(body: Buffer | undefined): Metadata {
  if (!body) return {};
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    const attributes = (parsed as { metadataAttributes?: unknown })?.metadataAttributes;
    if (typeof attributes !== "object" || attributes === null || Array.isArray(attributes)) return {};
    const out: Record<string, MetadataValue> = {};
    for (const [key, value] of Object.entries(attributes)) {
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") out[key] = value;
    }
    return out;
  } catch {
    return {};
  }
}

const newIndex = () =>
  new MiniSearch<PassageRecord>({
    fields: ["text", "title"],
    storeFields: ["text", "uri", "metadata"],
    processTerm: (term) => {
      const t = term.toLowerCase();
      return STOP_WORDS.has(t) ? null : t;
    },
  });

export class LocalKnowledgeBase {
  private index = newIndex();
  private documents = new Set<string>();

  constructor(
    readonly knowledgeBaseId: string,
    readonly dataSourceId: string,
    private readonly bucket: string,
    private readonly store: ObjectStore,
  ) {}

  /** A full sync of the bucket, as StartIngestionJob does: new, changed and deleted documents. */
  ingest(): IngestionStatistics {
    const objects = new Map(this.store.list(this.bucket));
    const index = newIndex();
    const seen = new Set<string>();
    let id = 0;
    let failed = 0;
    for (const [key, object] of objects) {
      if (key.endsWith(METADATA_SUFFIX)) continue;
      const uri = `s3://${this.bucket}/${key}`;
      const metadata = readSidecar(objects.get(`${key}${METADATA_SUFFIX}`)?.body);
      const name = key.slice(key.lastIndexOf("/") + 1);
      const title = name.replace(/[._-]+/g, " ");
      let passages: string[];
      if (/\.(md|markdown|txt)$/i.test(key)) passages = splitPassages(object.body.toString("utf8"));
      else if (/\.pdf$/i.test(key)) passages = [title];
      else {
        failed += 1;
        continue;
      }
      seen.add(uri);
      for (const text of passages) index.add({ id: (id += 1), text, title, uri, metadata });
    }
    const deleted = [...this.documents].filter((uri) => !seen.has(uri)).length;
    const added = [...seen].filter((uri) => !this.documents.has(uri)).length;
    this.index = index;
    this.documents = seen;
    return {
      numberOfDocumentsScanned: seen.size + failed,
      numberOfNewDocumentsIndexed: added,
      numberOfDocumentsDeleted: deleted,
      numberOfDocumentsFailed: failed,
    };
  }

  /** The best passages for `query` among those the filter admits. */
  retrieve(query: string, filter: RetrievalFilter | undefined, numberOfResults = 5): RetrievedPassage[] {
    const results = this.index.search(query, {
      prefix: true,
      fuzzy: 0.2,
      combineWith: "OR",
      boost: { title: 2 },
      filter: (result) => matchesFilter(filter, result.metadata as Metadata),
    });
    return results.slice(0, numberOfResults).map((r) => ({
      text: r.text as string,
      uri: r.uri as string,
      metadata: r.metadata as Metadata,
      score: r.score,
    }));
  }
}
