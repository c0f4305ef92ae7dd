import type { DocumentStore } from '@apollo/server';
import type { DocumentNode } from 'graphql';
import { ByteBudgetCache, type ByteBudgetCacheStats } from './ByteBudgetCache.js';

const MIB = 1024 * 1024;

/**
 * Heap bytes per byte of a document's JSON. A parsed document keeps every token as an
 * object (its `loc` links them), which its JSON does not show: measured on Node 20, the
 * app's 17 operations keep 4.0–4.75× their JSON (HomeScreen: 19 KB for 4.5 KB of JSON).
 */
const DOCUMENT_HEAP_PER_JSON_BYTE = 5;

export interface DocumentStoreOptions {
  /** MiB of parsed, validated documents; 0 = none kept (every operation is parsed again). */
  readonly maxMiB: number;
}

export interface BoundedDocumentStore {
  /** For Apollo Server's `documentStore` option. */
  readonly store: DocumentStore;
  stats(): ByteBudgetCacheStats;
}

/**
 * An Apollo Server `documentStore` bounded by estimated heap bytes. Apollo's default is
 * 30 MiB of JSON bytes, ~150 MB of heap once parsed: a client sending a new operation name
 * per request grows every server it reaches (the gateway forwards each name, so each
 * subgraph's store grew too: reviews 160 → 425 MB RSS in 180 s). Each document is charged
 * what it keeps alive, so the budget holds; the app's few operations stay parsed.
 */
export function documentStore(options: DocumentStoreOptions): BoundedDocumentStore {
  const documents = new ByteBudgetCache<DocumentNode>({
    maxBytes: options.maxMiB * MIB,
    sizeOf: (document) => jsonBytes(document) * DOCUMENT_HEAP_PER_JSON_BYTE,
  });
  return { store: documents, stats: () => documents.stats() };
}

/** UTF-8 bytes of a value's JSON: the base of the caches' heap estimates. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}
