import { readFileSync } from 'node:fs';

export type BenchVariant = 'identical' | 'varied';
export const benchVariants: readonly BenchVariant[] = ['identical', 'varied'];

/** A query file without its leading comment, as a client sends it. */
function readQuery(file: string): string {
  const text = readFileSync(new URL(file, import.meta.url), 'utf8');
  return text.replace(/^(#[^\n]*\n)+/, '').trim();
}

/** The public benchmark's query, as its load generator sends it. */
export const HEAVY_QUERY = readQuery('./heavyQuery.graphql');
/** The same with `$nonce` passed to one field of each subgraph (see variedQuery.graphql). */
export const VARIED_QUERY = readQuery('./variedQuery.graphql');

/**
 * The request body of a variant; `nonce` fills the varied variant's variable.
 */
export function benchBody(variant: BenchVariant, nonce = 'check'): string {
  return variant === 'identical'
    ? JSON.stringify({ query: HEAVY_QUERY })
    : JSON.stringify({ query: VARIED_QUERY, variables: { nonce } });
}
