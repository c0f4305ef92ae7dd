import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import type { RequestScoped } from '../../../platform/http/requestIdPlugin.js';

/**
 * The `Cache-Control` of every gateway answer. The supergraph carries no cache hints, so
 * the policy comes from the subgraphs: each fetch restricts it with that subgraph's own
 * `Cache-Control` (RemoteGraphQLDataSource's `honorSubgraphCacheControlHeader`, on by
 * default; a subgraph that sends none makes the answer uncacheable), so an answer is never
 * more cacheable than the least cacheable subgraph it came from. Then:
 * - a full answer to a query whose policy is cacheable: `public, max-age=N` (a CDN may keep
 *   it, e.g. a persisted-query GET) or `private, max-age=N` (the phone's own cache), with
 *   `Vary: authorization`, so that no cache hands the anonymous copy to a signed-in request;
 * - anything else (errors, a partial answer, a mutation, nothing cacheable): `no-store`.
 * An existing `no-store` is kept: `noStorePlugin` sets it for every signed-in request, so a
 * shared cache never keeps one user's answer for another, whatever the subgraphs said (and
 * a persisted-query miss keeps its `private, no-store`).
 * Apollo's plugin is here with its header off: it keeps the policy, this one writes it.
 */
export function cacheControlPlugins<TContext extends RequestScoped>(): ApolloServerPlugin<TContext>[] {
  return [
    ApolloServerPluginCacheControl({ defaultMaxAge: 0, calculateHttpHeaders: false }),
    {
      async requestDidStart() {
        return {
          async willSendResponse({ response, operation, overallCachePolicy }) {
            const headers = response.http.headers;
            // noStore's, the safelist's `private, no-store` on a miss: never made more cacheable.
            if (/\bno-store\b/.test(headers.get('cache-control') ?? '')) return;
            const full = response.body.kind === 'single' && response.body.singleResult.errors === undefined && response.body.singleResult.data !== null && response.body.singleResult.data !== undefined;
            const policy = full && operation?.operation === 'query' ? overallCachePolicy.policyIfCacheable() : null;
            if (policy === null) {
              headers.set('cache-control', 'no-store');
              return;
            }
            headers.set('cache-control', `${policy.scope === 'PUBLIC' ? 'public' : 'private'}, max-age=${policy.maxAge}`);
            headers.set('vary', varyOn(headers.get('vary'), 'authorization'));
          },
        };
      },
    },
  ];
}

/** `Vary` with `header` added, keeping what another layer put there. */
function varyOn(existing: string | undefined, header: string): string {
  const names = (existing ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '');
  return names.some((n) => n.toLowerCase() === header || n === '*') ? names.join(', ') : [...names, header].join(', ');
}
