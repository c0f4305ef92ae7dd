import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestScoped } from '../../../platform/http/requestIdPlugin.js';

/**
 * `cache-control: no-store` on every answer that is personal or has side effects: a
 * request with an `authorization` header or a verified viewer, and every mutation. A
 * shared cache (CDN, proxy) must never keep one user's data for another, whatever cache
 * hints a subgraph sends. Set before execution, so neither the gateway's Cache-Control
 * (`cacheControlPlugins`, which keeps an existing `no-store`) nor Apollo's own plugin can
 * turn it into a `max-age`; the response cache checks the same two things on its own.
 */
export function noStorePlugin<TContext extends RequestScoped>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ request, contextValue, response }) {
      if (contextValue.viewer !== null || request.http?.headers.get('authorization') !== undefined) {
        response.http.headers.set('cache-control', 'no-store');
      }
      return {
        async didResolveOperation({ operation, response: res }) {
          if (operation?.operation === 'mutation') res.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}
