import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VendorError } from '../errors/VendorError.js';
import { createLogger } from '../../../platform/log/createLogger.js';
import { createSubgraphServer, type SubgraphContext } from '../server/createSubgraphServer.js';
import { applyPermissions, restoreReferenceResolvers } from './applyPermissions.js';
import { createPermissions, type PermissionRules } from './createPermissions.js';
import { permissionGaps } from './permissionGaps.js';
import { allowAll, and, denyAll, hasScope, isAuthenticated, isOwner } from './rules.js';
import type { Viewer } from '../../../platform/identity/Viewer.js';

/* A throwaway subgraph with one entity, a private field, a field nobody wrote a rule for,
   a scoped mutation and resolvers that fail the way vendors do. */
const sdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query {
    account(id: ID!): Account
    forgotten: String
    outage: String
    bug: String
    blocked: String
  }
  type Mutation { post(text: String!): String! }
  type Account @key(fields: "id") {
    id: ID!
    name: String!
    secret: String
    unruled: String
  }
`;

interface Account {
  id: string;
  name: string;
  secret: string;
  unruled: string;
}

const accountOf = (id: string): Account => ({ id, name: `Name ${id}`, secret: `secret of ${id}`, unruled: 'x' });
let referenceCalls = 0;
let posts = 0;

const resolvers = {
  Query: {
    account: (_: unknown, args: { id: string }) => accountOf(args.id),
    forgotten: () => 'should never be seen',
    outage: () => {
      throw new VendorError('server', { vendor: 'acme', operation: 'things.get', status: 503, body: 'ACME edge down' });
    },
    bug: () => {
      throw new TypeError('cannot read properties of undefined');
    },
    blocked: () => 'no',
  },
  Mutation: {
    post: () => {
      posts += 1;
      return 'posted';
    },
  },
  Account: {
    __resolveReference: (ref: { id: string }) => {
      referenceCalls += 1;
      return accountOf(ref.id);
    },
  },
};

const rules = {
  Query: { account: allowAll, outage: allowAll, bug: isAuthenticated, blocked: denyAll },
  Mutation: { post: and(isAuthenticated, hasScope('things:write')) },
  Account: { id: allowAll, name: allowAll, secret: isOwner((a: Account) => a.id) },
} satisfies PermissionRules;

const logger = createLogger({ service: 'test', level: 'silent' });
const server = createSubgraphServer<SubgraphContext>({
  name: 'things',
  typeDefs: parse(sdl),
  resolvers,
  permissions: createPermissions(rules),
  logger,
  createContext: ({ requestId, logger: l, viewer }) => ({ requestId, logger: l, viewer }),
});

async function run(query: string, viewer: Viewer | null = null, variables?: Record<string, unknown>) {
  const res = await server.apollo.executeOperation({ query, variables }, { contextValue: { requestId: 'r1', logger, viewer } });
  if (res.body.kind !== 'single') throw new Error('unexpected incremental result');
  return res.body.singleResult as { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[] };
}

const codes = (errors: readonly GraphQLFormattedError[] | undefined) => (errors ?? []).map((e) => e.extensions?.code);
const alice: Viewer = { userId: 'a1', scopes: ['openid'] };
const writer: Viewer = { userId: 'w1', scopes: ['openid', 'things:write'] };

beforeAll(() => server.start());
afterAll(() => server.stop());

describe('createPermissions on a subgraph', () => {
  it('refuses a field the map does not name (fallback: deny) with FORBIDDEN and null', async () => {
    const res = await run('{ forgotten account(id: "a1") { id unruled } }', alice);
    expect(res.data).toEqual({ forgotten: null, account: { id: 'a1', unruled: null } });
    expect(res.errors?.map((e) => [e.path?.join('.'), e.extensions?.code, e.message])).toEqual([
      ['forgotten', 'FORBIDDEN', 'You are not allowed to do this.'],
      ['account.unruled', 'FORBIDDEN', 'You are not allowed to do this.'],
    ]);
  });

  it('refuses denyAll with FORBIDDEN, never "Not Authorised!"', async () => {
    const res = await run('{ blocked }', writer);
    expect(res.data).toEqual({ blocked: null });
    expect(codes(res.errors)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(res)).not.toContain('Not Authorised');
  });

  it('keeps _service { sdl } open under fallbackRule: deny, so composition still works', async () => {
    const res = await run('{ _service { sdl } }');
    expect(res.errors).toBeUndefined();
    expect((res.data?._service as { sdl: string }).sdl).toContain('type Account');
  });

  it('resolves entities through _entities (with __resolveReference) and still applies their field rules', async () => {
    const query = 'query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Account { id name secret } } }';
    const reps = [{ __typename: 'Account', id: 'a2' }];
    referenceCalls = 0;
    const other = await run(query, alice, { reps });
    expect(referenceCalls).toBe(1);
    expect(other.data).toEqual({ _entities: [{ id: 'a2', name: 'Name a2', secret: null }] });
    expect(other.errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([['_entities.0.secret', 'FORBIDDEN']]);

    const owner = await run(query, { userId: 'a2', scopes: [] }, { reps });
    expect(owner.errors).toBeUndefined();
    expect(owner.data).toEqual({ _entities: [{ id: 'a2', name: 'Name a2', secret: 'secret of a2' }] });

    const anonymous = await run(query, null, { reps });
    expect(codes(anonymous.errors)).toEqual(['FORBIDDEN']);
  });

  it('lets resolver errors through as they are: a vendor outage is VENDOR_UNAVAILABLE, a bug INTERNAL_SERVER_ERROR', async () => {
    const res = await run('{ outage bug }', alice);
    expect(res.data).toEqual({ outage: null, bug: null });
    expect(res.errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([
      ['outage', 'VENDOR_UNAVAILABLE'],
      ['bug', 'INTERNAL_SERVER_ERROR'],
    ]);
    expect(JSON.stringify(res)).not.toMatch(/Not Authorised|ACME|cannot read/);
  });

  it('isAuthenticated: anonymous → UNAUTHENTICATED "Sign in to do this."', async () => {
    const res = await run('{ bug }');
    expect(res.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['UNAUTHENTICATED', 'Sign in to do this.']]);
  });

  it('and(isAuthenticated, hasScope): anonymous → UNAUTHENTICATED, missing scope → FORBIDDEN naming it, scope → runs', async () => {
    posts = 0;
    const mutation = 'mutation { post(text: "hi") }';
    const anonymous = await run(mutation);
    expect(anonymous.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['UNAUTHENTICATED', 'Sign in to do this.']]);
    const unscoped = await run(mutation, alice);
    expect(unscoped.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['FORBIDDEN', 'This needs the things:write permission.']]);
    expect(posts).toBe(0);
    const scoped = await run(mutation, writer);
    expect(scoped.errors).toBeUndefined();
    expect(scoped.data).toEqual({ post: 'posted' });
    expect(posts).toBe(1);
  });
});

describe('createPermissions', () => {
  it('refuses a map that names the federation fields itself', () => {
    expect(() => createPermissions({ Query: { _entities: allowAll } })).toThrow(/Query\._entities are federation fields/);
    expect(() => createPermissions({ _Service: allowAll })).toThrow(/_Service/);
  });

  it('hasScope gives one rule per scope; isOwner names every rule apart (shield refuses two rules with one name)', () => {
    const twin = isOwner(() => null);
    // isOwner names each rule uniquely; hasScope returns the same rule for the same scope.
    expect(hasScope('a:b')).toBe(hasScope('a:b'));
    expect(() => createPermissions({ Query: { x: twin, y: isOwner(() => null) } })).not.toThrow();
    expect(() => hasScope('two words')).toThrow(TypeError);
  });

  it('turns a rule for the whole Query type into its default, so _service stays open', async () => {
    const guarded = createSubgraphServer<SubgraphContext>({
      name: 'closed',
      typeDefs: parse(sdl),
      resolvers,
      permissions: createPermissions({ Query: isAuthenticated, Account: allowAll }),
      logger,
      createContext: ({ requestId, logger: l, viewer }) => ({ requestId, logger: l, viewer }),
    });
    await guarded.start();
    try {
      const ctx = { contextValue: { requestId: 'r', logger, viewer: null } };
      const sdlRes = await guarded.apollo.executeOperation({ query: '{ _service { sdl } }' }, ctx);
      expect(sdlRes.body.kind === 'single' && sdlRes.body.singleResult.errors).toBeUndefined();
      const account = await guarded.apollo.executeOperation({ query: '{ account(id: "1") { id } }' }, ctx);
      expect(account.body.kind === 'single' && codes(account.body.singleResult.errors)).toEqual(['UNAUTHENTICATED']);
    } finally {
      await guarded.stop();
    }
  });

  it('a rule that throws refuses (FORBIDDEN) instead of leaking the error', async () => {
    const throwing = createSubgraphServer<SubgraphContext>({
      name: 'throwing',
      typeDefs: parse(sdl),
      resolvers,
      permissions: createPermissions({
        Query: { account: allowAll },
        Account: {
          '*': isOwner(() => {
            throw new Error('boom');
          }),
        },
      }),
      logger,
      createContext: ({ requestId, logger: l, viewer }) => ({ requestId, logger: l, viewer }),
    });
    await throwing.start();
    try {
      const res = await throwing.apollo.executeOperation({ query: '{ account(id: "1") { name } }' }, { contextValue: { requestId: 'r', logger, viewer: alice } });
      expect(res.body.kind === 'single' && res.body.singleResult.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
        ['FORBIDDEN', 'You are not allowed to do this.'],
      ]);
    } finally {
      await throwing.stop();
    }
  });
});

describe('fields allowed to anyone', () => {
  const guarded = () => applyPermissions(buildSubgraphSchema({ typeDefs: parse(sdl), resolvers }), createPermissions(rules));
  const run = (query: string) => execute({ schema: guarded(), document: parse(query), contextValue: { viewer: alice } });

  it('keep their own resolvers: an answer made only of them is computed synchronously, as without a shield', () => {
    const answer = run('{ account(id: "a1") { id name } }');
    expect(answer).not.toBeInstanceOf(Promise);
    expect(answer).toEqual({ data: { account: { id: 'a1', name: 'Name a1' } } });
  });

  it('do not open anything else: a field with a rule still runs it, and a field without one is still refused', async () => {
    const owned = run('{ account(id: "a1") { secret } }');
    expect(owned).toBeInstanceOf(Promise);
    expect(await owned).toEqual({ data: { account: { secret: 'secret of a1' } } });
    const other = await run('{ account(id: "b2") { id secret unruled } }');
    expect(other.data).toEqual({ account: { id: 'b2', secret: null, unruled: null } });
    expect(other.errors?.map((e) => e.message)).toEqual(['Only its owner can see this.', 'You are not allowed to do this.']);
  });
});

describe('__resolveReference after applyMiddleware', () => {
  const schema = () => buildSubgraphSchema({ typeDefs: parse(sdl), resolvers });
  const referenceOf = (s: GraphQLSchema) =>
    (s.getType('Account')?.extensions as { apollo?: { subgraph?: { resolveReference?: unknown } } }).apollo?.subgraph?.resolveReference;

  it('survives applying the shield (@apollo/subgraph 2 keeps it in the type extensions)', () => {
    const original = schema();
    const guarded = applyPermissions(original, createPermissions(rules));
    expect(guarded).not.toBe(original);
    expect(referenceOf(guarded)).toBe(resolvers.Account.__resolveReference);
  });

  it('is put back when a schema transform drops it', () => {
    const original = schema();
    // What graphql-middleware did to federation 1 schemas: the same types, without the resolver.
    const stripped = buildSubgraphSchema({ typeDefs: parse(sdl) });
    expect(referenceOf(stripped)).toBeUndefined();
    expect(restoreReferenceResolvers(original, stripped)).toBe(1);
    expect(referenceOf(stripped)).toBe(resolvers.Account.__resolveReference);
    expect(restoreReferenceResolvers(original, stripped)).toBe(0);
  });
});

describe('permissionGaps', () => {
  it('lists the types and fields of the SDL that the map does not cover', () => {
    const doc = parse(sdl);
    expect(permissionGaps(doc, rules)).toEqual(['Query.forgotten', 'Account.unruled']);
    expect(permissionGaps(doc, { Query: { '*': allowAll }, Mutation: allowAll, Account: { '*': allowAll } })).toEqual([]);
    expect(permissionGaps(doc, { Query: allowAll })).toEqual(['Mutation', 'Account']);
  });
});
