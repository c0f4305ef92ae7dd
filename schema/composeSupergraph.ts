import { composeServices } from '@apollo/composition';
import { parse, type DocumentNode } from 'graphql';
import { parseErrorMessage } from './parseErrorMessage.js';

export interface SubgraphSource {
  readonly name: string;
  readonly url: string;
  /** The subgraph's SDL. */
  readonly typeDefs: string;
  /** Where the SDL came from, for error messages (default: the subgraph's name). */
  readonly source?: string;
}

export type CompositionOutcome =
  | { readonly ok: true; readonly supergraphSdl: string; readonly hints: readonly string[] }
  | { readonly ok: false; readonly errors: readonly string[] };

/**
 * Composes subgraph SDLs into a supergraph with Apollo Federation's composition. Pure:
 * no files. Parse errors name the file and position; composition errors read
 * `CODE: message`; hints (not errors) read the same and are returned for printing.
 */
export function composeSupergraph(subgraphs: readonly SubgraphSource[]): CompositionOutcome {
  const errors: string[] = [];
  const services: { name: string; url: string; typeDefs: DocumentNode }[] = [];
  for (const subgraph of subgraphs) {
    try {
      services.push({ name: subgraph.name, url: subgraph.url, typeDefs: parse(subgraph.typeDefs) });
    } catch (err) {
      errors.push(parseErrorMessage(subgraph.source ?? subgraph.name, err));
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  if (services.length === 0) return { ok: false, errors: ['No subgraphs to compose.'] };

  const result = composeServices(services);
  if (result.errors) {
    return { ok: false, errors: result.errors.map((e) => `${String(e.extensions.code ?? 'COMPOSITION_ERROR')}: ${e.message}`) };
  }
  return { ok: true, supergraphSdl: result.supergraphSdl, hints: result.hints.map((h) => `${h.definition.code}: ${h.message}`) };
}
