import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../platform/identity/Viewer.js';
import type { RequestScoped } from '../../platform/http/requestIdPlugin.js';
import { noStorePlugin } from '../src/plugins/noStore.js';
import { silentLogger } from '../../test/harness/testSubgraphs.js';

/**
 * Against a server whose answers are cacheable (every field `maxAge: 60`), as they would
 * be once a subgraph sends cache hints: the plugin must win for personal answers and writes.
 */
describe('noStorePlugin', () => {
  let server: ApolloServer<RequestScoped>;
  beforeAll(async () => {
    server = new ApolloServer<RequestScoped>({
      typeDefs: 'type Query { a: Int } type Mutation { b: Int }',
      resolvers: { Query: { a: () => 1 }, Mutation: { b: () => 2 } },
      logger: silentLogger,
      plugins: [noStorePlugin<RequestScoped>(), ApolloServerPluginCacheControl({ defaultMaxAge: 60 })],
    });
    await server.start();
  });
  afterAll(() => server?.stop());

  const run = async (query: string, headers: Record<string, string> = {}, viewer: Viewer | null = null) => {
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: new HeaderMap(Object.entries({ 'content-type': 'application/json', ...headers })), search: '', body: { query } },
      context: async () => ({ requestId: 'r', logger: silentLogger, viewer }),
    });
    return response.headers.get('cache-control');
  };

  it('leaves an anonymous query cacheable', async () => {
    expect(await run('{ a }')).toBe('max-age=60, public');
  });

  it('no-store with an authorization header, with a viewer, and on every mutation', async () => {
    expect(await run('{ a }', { authorization: 'Bearer x' })).toBe('no-store');
    expect(await run('{ a }', {}, { userId: 'usr_0042', scopes: [] })).toBe('no-store');
    expect(await run('mutation { b }')).toBe('no-store');
  });
});
