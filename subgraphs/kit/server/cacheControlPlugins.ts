import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';

/**
 * How a subgraph answers `Cache-Control`: Apollo's cache-control plugin adds up the
 * schema's `@cacheControl` hints (a field or type without one counts as `maxAge: 0`, so
 * only what a team marked public is ever cacheable) and sends `max-age=N, public|private`,
 * or `no-store` when nothing is cacheable or the answer has errors. The gateway restricts
 * its own answer's policy with that header (RemoteGraphQLDataSource's
 * `honorSubgraphCacheControlHeader`). A mutation is never cacheable, whatever the hints of
 * the types it returns say (addReview returns a Review, which is public for minutes).
 */
export function cacheControlPlugins<TContext extends BaseContext>(): ApolloServerPlugin<TContext>[] {
  return [
    ApolloServerPluginCacheControl({ defaultMaxAge: 0, calculateHttpHeaders: true }),
    {
      async requestDidStart() {
        return {
          async didResolveOperation({ operation, overallCachePolicy }) {
            if (operation?.operation !== 'query') overallCachePolicy.restrict({ maxAge: 0 });
          },
        };
      },
    },
  ];
}
