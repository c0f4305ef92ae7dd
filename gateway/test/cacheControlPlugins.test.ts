import { ApolloServer, HeaderMap } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestScoped } from '../../platform/http/requestIdPlugin.js';
import { cacheControlPlugins } from '../src/cacheControl/cacheControlPlugins.js';
import { noStorePlugin } from '../src/plugins/noStore.js';
import { silentLogger } from '../../test/harness/testSubgraphs.js';

/**
 * The header rules on a server whose schema carries the hints itself (the gateway's come from
 * the subgraphs' headers, see cacheControl.test.ts): every policy the rules distinguish,
 * including a private one, which no field of the real graph has with a max-age above 0.
 */
describe('cacheControlPlugins', () => {
  let server: ApolloServer<RequestScoped>;
  beforeAll(async () => {
    server = new ApolloServer<RequestScoped>({
      typeDefs: `
        enum CacheControlScope { PUBLIC PRIVATE }
        directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
        type Query {
          pub: Int @cacheControl(maxAge: 60)
          priv: Int @cacheControl(maxAge: 30, scope: PRIVATE)
          unmarked: Int
          broken: Int @cacheControl(maxAge: 60)
        }
        type Mutation { write: Int @cacheControl(maxAge: 60) }`,
      resolvers: {
        Query: {
          pub: () => 1,
          priv: () => 2,
          unmarked: () => 3,
          broken: () => {
            throw new Error('down');
          },
        },
        Mutation: { write: () => 4 },
      },
      logger: silentLogger,
      plugins: [noStorePlugin<RequestScoped>(), ...cacheControlPlugins<RequestScoped>()],
    });
    await server.start();
  });
  afterAll(() => server?.stop());

  const run = async (query: string, headers: Record<string, string> = {}) => {
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: new HeaderMap(Object.entries({ 'content-type': 'application/json', ...headers })), search: '', body: { query } },
      context: async () => ({ requestId: 'r', logger: silentLogger, viewer: null }),
    });
    return { cacheControl: response.headers.get('cache-control'), vary: response.headers.get('vary') };
  };

  it('public or private with the shortest max-age, and Vary: authorization', async () => {
    expect(await run('{ pub }')).toEqual({ cacheControl: 'public, max-age=60', vary: 'authorization' });
    expect(await run('{ pub priv }')).toEqual({ cacheControl: 'private, max-age=30', vary: 'authorization' });
  });

  it('no-store for anything unmarked, any error, a mutation, a signed-in request', async () => {
    expect((await run('{ pub unmarked }')).cacheControl).toBe('no-store');
    expect((await run('{ pub broken }')).cacheControl).toBe('no-store');
    expect((await run('{ pub', {})).cacheControl).toBe('no-store');
    expect((await run('mutation { write }')).cacheControl).toBe('no-store');
    expect(await run('{ pub }', { authorization: 'Bearer x' })).toEqual({ cacheControl: 'no-store', vary: undefined });
  });
});
