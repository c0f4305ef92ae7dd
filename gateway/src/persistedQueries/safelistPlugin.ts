import type { ApolloServerPlugin, BaseContext, GraphQLRequest } from '@apollo/server';
import { parse, print } from 'graphql';
import { AppError } from '../../../platform/errors/AppError.js';
import type { OperationLabel } from '../metrics/operationLabel.js';
import type { PersistedQueryMetrics } from '../metrics/persistedQueryMetrics.js';
import { operationId, type ManifestOperation, type PersistedQueryManifest } from './PersistedQueryManifest.js';

/** What a refused request runs instead of its own text, so that nothing of it is parsed: valid everywhere, costs nothing. */
const PLACEHOLDER = '{ __typename }';

export interface SafelistOptions {
  readonly manifest: PersistedQueryManifest;
  /** The gateway's token limit, for parsing a full text that is not byte-identical to a registered body. */
  readonly maxTokens: number;
  /** Where lookups are counted: hit (a registered operation runs), miss (unknown hash alone), refused. */
  readonly metrics?: { readonly lookups: PersistedQueryMetrics; readonly operationLabel: OperationLabel };
}

/**
 * Safelist mode: the gateway runs only the operations of the persisted query manifest.
 *
 * - hash only (`extensions.persistedQuery.sha256Hash`, APQ-style, which is also how
 *   Apollo clients send a manifest id) → the registered body runs;
 * - full text → runs when its SHA-256 is a registered id, or when its canonical form
 *   (`print(parse(text))`: whitespace, commas and comments do not count; field order,
 *   names and arguments do) is a registered body, which is how the manifest stores them;
 *   the registered body is what runs;
 * - hash and text → both must name the same registered operation (or, when the hash is
 *   unknown, the text alone decides: a client that hashes differently still gets through
 *   with the registered text);
 * - hash only, unknown → PERSISTED_QUERY_NOT_FOUND (HTTP 200, message
 *   `PersistedQueryNotFound`, as Apollo's APQ answers): Apollo clients' persisted-queries
 *   links react to it by resending the full text with the hash, which then runs if it is
 *   registered and is refused below if not;
 * - anything else → 400 OPERATION_NOT_ALLOWED, without parsing or echoing the text.
 *
 * A refusal never depends on the request's `operationName`: it is dropped with the text,
 * so a client naming its operation (every Apollo client does) gets one of these two codes,
 * not Apollo's 400 "Unknown operation named …", which no client can act on. Refusals are
 * `cache-control: private, no-store`, so that a CDN in front of GET never keeps one.
 *
 * It works on the request in `requestDidStart`, before Apollo reads it: an accepted
 * request continues as a plain query (Apollo's own APQ is off in this mode, so nobody
 * can register a new operation), a refused one runs a placeholder and is answered by
 * throwing from `didResolveOperation`, the first hook where Apollo turns a thrown error
 * into a response with its HTTP status (earlier hooks would make it a 500).
 */
export function safelistPlugin(options: SafelistOptions): ApolloServerPlugin<BaseContext> {
  const byId = new Map<string, ManifestOperation>(options.manifest.operations.map((op) => [op.id, op]));

  const byText = (text: string): ManifestOperation | undefined => {
    const exact = byId.get(operationId(text));
    if (exact) return exact;
    try {
      return byId.get(operationId(print(parse(text, { noLocation: true, maxTokens: options.maxTokens }))));
    } catch {
      return undefined;
    }
  };

  const resolve = (request: GraphQLRequest): ManifestOperation | undefined => {
    const hash = persistedQueryHash(request);
    const text = typeof request.query === 'string' && request.query !== '' ? request.query : undefined;
    const named = hash === undefined ? undefined : byId.get(hash);
    if (text === undefined) return named;
    const written = byText(text);
    if (named && written !== named) return undefined;
    return written;
  };

  return {
    async requestDidStart({ request }) {
      if (request.query === undefined && request.extensions?.persistedQuery === undefined) {
        // Neither text nor hash: Apollo answers its own 400 ("must contain a non-empty query").
        return;
      }
      const operation = resolve(request);
      const hashOnly = request.query === undefined || request.query === '';
      request.extensions = withoutPersistedQuery(request.extensions);
      const metrics = options.metrics;
      if (operation) {
        metrics?.lookups.counted('hit', metrics.operationLabel.ofOperation(operation.name));
        request.query = operation.body;
        return;
      }
      // By the name the client claimed, before it is dropped: which app build's operation is missing (any other name is __other).
      metrics?.lookups.counted(hashOnly ? 'miss' : 'refused', metrics.operationLabel.ofClaimed(request.operationName));
      request.query = PLACEHOLDER;
      request.operationName = undefined;
      const refusal = hashOnly
        ? new AppError('PERSISTED_QUERY_NOT_FOUND', undefined, { extensions: { http: { status: 200 } } })
        : new AppError('OPERATION_NOT_ALLOWED', undefined, { extensions: { http: { status: 400 } } });
      return {
        async didResolveOperation() {
          throw refusal;
        },
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'private, no-store');
        },
      };
    },
  };
}

function persistedQueryHash(request: GraphQLRequest): string | undefined {
  const pq: unknown = request.extensions?.persistedQuery;
  if (typeof pq !== 'object' || pq === null) return undefined;
  const hash = (pq as { sha256Hash?: unknown }).sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}

function withoutPersistedQuery(extensions: GraphQLRequest['extensions']): GraphQLRequest['extensions'] {
  if (!extensions || !('persistedQuery' in extensions)) return extensions;
  const { persistedQuery: _persistedQuery, ...rest } = extensions;
  return rest;
}
