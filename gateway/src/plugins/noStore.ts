import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestScoped } from '../../../platform/http/requestIdPlugin.js';

/**
 * `cache-control: no-store` on every answer that is personal or has side effects: a
 * request with an `authorization` header or a verified viewer, and every mutation. A
 * shared cache (CDN, proxy) must never keep one user's data for another, whatever cache
 * hints a subgraph sends. Set before execution, so Apollo's cache-control plugin (which
 * keeps an existing `no-store`) cannot turn it into a `max-age`.
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
