import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { createCachePolicyPlanner, restrict, type CacheHint, type CachePolicyPlanner, type Policy } from './createCachePolicyPlanner.js';

const CACHEABLE = /^max-age=(\d+), (public|private)$/;
const UNCACHEABLE = 'no-store';

/**
 * How a subgraph answers `Cache-Control`: the schema's `@cacheControl` hints are added up (a
 * field or type without one counts as `maxAge: 0`, so only what a team marked public is ever
 * cacheable) and the answer says `max-age=N, public|private`, or `no-store` when nothing is
 * cacheable or the answer has errors. The gateway restricts its own answer's policy with that
 * header (RemoteGraphQLDataSource's `honorSubgraphCacheControlHeader`). A mutation is never
 * cacheable, whatever the hints of the types it returns say (addReview returns a Review,
 * which is public for minutes).
 *
 * The rules and the header are Apollo's cache-control plugin's, but the policy is worked out
 * once per document (`createCachePolicyPlanner`) instead of per field while it executes:
 * Apollo's plugin is turned off, because its `willResolveField` hook cost 7–10% of each
 * subgraph's CPU on the home screen (one A/B measurement, December 2026). A test compares the two on every operation the gateway sends.
 */
export function cacheControlPlugins<TContext extends BaseContext>(): ApolloServerPlugin<TContext>[] {
  let planner: CachePolicyPlanner | undefined;
  // The same listener for every request: it keeps no state of its own.
  const listener: GraphQLRequestListener<TContext> = {
    async didResolveOperation({ document, operation, request, overallCachePolicy }) {
      overallCachePolicy.restrict(operation?.operation === 'query' && planner ? planner.policyOf(document, operation, request.variables) : { maxAge: 0 });
    },
    async willSendResponse({ response, overallCachePolicy }) {
      const headers = response.http.headers;
      const full = response.body.kind === 'single' && !response.body.singleResult.errors;
      const header = cacheControlHeader(overallCachePolicy, headers.get('cache-control'), full);
      if (header !== undefined) headers.set('cache-control', header);
    },
  };
  return [
    ApolloServerPluginCacheControlDisabled(),
    {
      async serverWillStart({ schema }) {
        planner = createCachePolicyPlanner(schema, { defaultMaxAge: 0 });
      },
      async requestDidStart() {
        return listener;
      },
    },
  ];
}

/**
 * Apollo's `Cache-Control` for an answer (`calculateHttpHeaders: true`): `max-age=N, public|private`
 * for a full answer whose policy (restricted by a header already there) is cacheable, else
 * `no-store`. `undefined`: leave the header there alone, as Apollo does with one it cannot read.
 */
export function cacheControlHeader(policy: CacheHint, existing: string | undefined, full: boolean): string | undefined {
  if (existing === UNCACHEABLE) return UNCACHEABLE;
  const existingHint = existing === undefined ? undefined : cacheableHint(existing);
  if (existing !== undefined && existingHint === undefined) return undefined;
  const merged: Policy = {};
  restrict(merged, policy);
  if (existingHint) restrict(merged, existingHint);
  return full && merged.maxAge !== undefined && merged.maxAge > 0 ? `max-age=${merged.maxAge}, ${(merged.scope ?? 'PUBLIC').toLowerCase()}` : UNCACHEABLE;
}

/** `max-age=N, public|private` as a hint; anything else is not one Apollo would merge. */
function cacheableHint(header: string): CacheHint | undefined {
  const match = CACHEABLE.exec(header);
  return match ? { maxAge: Number(match[1]), scope: match[2] === 'public' ? 'PUBLIC' : 'PRIVATE' } : undefined;
}
