import { readdirSync, readFileSync } from 'node:fs';
import { ApolloServer, type ApolloServerPlugin, type BaseContext, type GraphQLRequest } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { startHttpServer } from '../../../platform/http/startHttpServer.js';
import { subgraphEntries, subgraphPaths } from '../../../platform/registry/services.js';
import { parseGatewayConfig } from '../../../gateway/src/config.js';
import { createGateway } from '../../../gateway/src/createGateway.js';
import { disableApolloTelemetry } from '../../../gateway/src/plugins/telemetryOff.js';
import { COLD_START_BUDGETS } from '../../../test/harness/coldStartBudgets.js';
import { silentLogger } from '../../../test/harness/testSubgraphs.js';
import { cacheControlHeader, cacheControlPlugins } from './cacheControlPlugins.js';

/**
 * The subgraphs' Cache-Control is worked out from the document (`createCachePolicyPlanner`),
 * no longer by Apollo's plugin field by field. These tests hold it to Apollo's plugin as the
 * kit used it (`defaultMaxAge: 0`, headers on, mutations restricted to 0): the same header on
 * every operation of every subgraph's schema with every field answered, and never a more
 * cacheable one where Apollo sees data that the document does not show.
 */

/** The kit's cache-control plugins before the planner: Apollo's, field by field. */
function apolloPlugins(): ApolloServerPlugin<BaseContext>[] {
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

/** Every field answered: objects, two items per list, the first member of an abstract type. */
function mockResolver(schema: GraphQLSchema): GraphQLFieldResolver<unknown, unknown> {
  const mock = (type: GraphQLOutputType): unknown => {
    if (isNonNullType(type)) return mock(type.ofType);
    if (isListType(type)) return [mock(type.ofType), mock(type.ofType)];
    if (isEnumType(type)) return type.getValues()[0]!.value;
    if (isLeafType(type)) return ({ ID: '1', String: 'text', Int: 1, Float: 1.5, Boolean: true } as Record<string, unknown>)[type.name] ?? 'x';
    if (isAbstractType(type)) return { __typename: schema.getPossibleTypes(type)[0]!.name };
    return {};
  };
  return (source, _args, _ctx, info) => {
    const own = typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[info.fieldName] : undefined;
    return own !== undefined ? own : mock(info.returnType);
  };
}

/** A literal for a required argument of `type`. */
function literal(type: GraphQLInputType): string {
  if (isNonNullType(type)) return literal(type.ofType);
  if (isListType(type)) return `[${literal(type.ofType)}]`;
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type) && f.defaultValue === undefined);
    return `{ ${fields.map((f) => `${f.name}: ${literal(f.type)}`).join(', ')} }`;
  }
  return ({ ID: '"1"', Int: '1', Float: '1.5', Boolean: 'true' } as Record<string, string>)[type.name] ?? '"text"';
}

/** A field with its required arguments and every field below it, down to `depth` levels; '' if it needs a selection deeper than that. */
function selectField(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>, depth: number, alias = ''): string {
  const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  const args = required.length > 0 ? `(${required.map((a) => `${a.name}: ${literal(a.type)}`).join(', ')})` : '';
  const named = getNamedType(field.type);
  if (isLeafType(named)) return `${alias}${field.name}${args}`;
  return depth > 0 ? `${alias}${field.name}${args} { ${selectAll(schema, named, depth - 1)} }` : '';
}

/** Every field of `type` down to `depth` levels (fields of an interface or union: on each member). */
function selectAll(schema: GraphQLSchema, type: GraphQLNamedType, depth: number, aliasPrefix = ''): string {
  if (isAbstractType(type)) return `__typename ${schema.getPossibleTypes(type).map((t) => `... on ${t.name} { ${selectAll(schema, t, depth)} }`).join(' ')}`;
  if (!isObjectType(type)) return '';
  const fields = Object.values(type.getFields()).filter((f) => !f.name.startsWith('_'));
  return ['__typename', ...fields.map((f) => selectField(schema, f, depth, aliasPrefix ? `${aliasPrefix}${f.name}: ` : ''))].filter((s) => s !== '').join(' ');
}

function entityTypes(schema: GraphQLSchema): GraphQLObjectType[] {
  const entity = schema.getType('_Entity');
  return entity && isAbstractType(entity) ? [...schema.getPossibleTypes(entity)] : [];
}

const representation = (type: GraphQLObjectType) => ({ __typename: type.name, id: '1' });

/**
 * Every operation a subgraph can be asked: each root field, each field of each entity type
 * alone (so that a private field does not make every answer uncacheable) and all together,
 * and every entity type at once.
 */
function operationsOf(schema: GraphQLSchema): GraphQLRequest[] {
  const out: GraphQLRequest[] = [];
  const mutation = schema.getMutationType();
  for (const root of [schema.getQueryType(), mutation]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      if (!field.name.startsWith('_')) out.push({ query: `${root === mutation ? 'mutation' : 'query'} { ${selectField(schema, field, 5)} }` });
    }
  }
  const entities = entityTypes(schema);
  const entitiesQuery = (fragments: string[]) => `query Entities($representations: [_Any!]!) { _entities(representations: $representations) { __typename ${fragments.join(' ')} } }`;
  for (const type of entities) {
    const representations = [representation(type)];
    for (const field of Object.values(type.getFields())) {
      if (!field.name.startsWith('_')) out.push({ query: entitiesQuery([`... on ${type.name} { ${selectField(schema, field, 5)} }`]), variables: { representations } });
    }
    out.push({ query: entitiesQuery([`... on ${type.name} { ${selectAll(schema, type, 5)} }`]), variables: { representations } });
  }
  // Fields of the same name may differ in type between entity types: aliased by type.
  const all = entities.map((t) => `... on ${t.name} { ${selectAll(schema, t, 5, `${t.name}_`)} }`);
  if (entities.length > 1) out.push({ query: entitiesQuery(all), variables: { representations: entities.map(representation) } });
  return out;
}

interface Pair {
  readonly apollo: ApolloServer;
  readonly ours: ApolloServer;
}

/**
 * Apollo's plugin and ours over two copies of one schema: once a plugin hooks
 * `willResolveField`, Apollo wraps every resolver of the schema it runs on, and the wrapped
 * fields then no longer fall back to a server's own `fieldResolver`.
 */
async function pairOver(makeSchema: () => GraphQLSchema, fieldResolver?: GraphQLFieldResolver<unknown, unknown>): Promise<Pair> {
  const server = (plugins: ApolloServerPlugin<BaseContext>[]) => {
    const schema = makeSchema();
    return new ApolloServer({ schema, plugins, fieldResolver: fieldResolver ?? mockResolver(schema) });
  };
  const apollo = server(apolloPlugins());
  const ours = server(cacheControlPlugins());
  await apollo.start();
  await ours.start();
  return { apollo, ours };
}

interface Answer {
  readonly cacheControl: string | undefined;
  readonly body: unknown;
}

async function ask(server: ApolloServer, request: GraphQLRequest): Promise<Answer> {
  const res = await server.executeOperation(request);
  return { cacheControl: res.http.headers.get('cache-control'), body: res.body };
}

/** How cacheable a header is: no-store < private max-age < public max-age, then by max-age. */
function cacheability(header: string | undefined): { maxAge: number; scope: 'none' | 'private' | 'public' } {
  const match = /^max-age=(\d+), (public|private)$/.exec(header ?? '');
  return match ? { maxAge: Number(match[1]), scope: match[2] as 'public' | 'private' } : { maxAge: 0, scope: 'none' };
}

function neverMoreCacheable(ours: string | undefined, apollo: string | undefined): void {
  const a = cacheability(apollo);
  const o = cacheability(ours);
  expect(o.maxAge, `${ours} against Apollo's ${apollo}`).toBeLessThanOrEqual(a.maxAge);
  if (a.scope !== 'public') expect(o.scope, `${ours} against Apollo's ${apollo}`).not.toBe('public');
}

const schemaOf = (name: string) => buildSubgraphSchema({ typeDefs: parse(readFileSync(new URL(`../../../${subgraphPaths(name).schema}`, import.meta.url), 'utf8')) });

describe('subgraph Cache-Control: the planner answers as Apollo’s cache-control plugin did', () => {
  const stops: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });
  const headers = new Set<string>();

  it.each(subgraphEntries.map((s) => s.name))('%s: every root field, every entity type and a mutation of each kind get the same header and data', async (name) => {
    const schema = schemaOf(name);
    const { apollo, ours } = await pairOver(() => schemaOf(name));
    stops.push(() => apollo.stop(), () => ours.stop());
    for (const request of operationsOf(schema)) {
      const expected = await ask(apollo, request);
      const actual = await ask(ours, request);
      expect(actual, request.query).toEqual(expected);
      // Every field was answered: the comparison is between two full answers.
      expect(JSON.stringify(expected.body), request.query).not.toContain('"errors"');
      headers.add(String(expected.cacheControl));
    }
  });

  it('those were not comparisons of two no-stores: each public maxAge of the schemas was among the answers', () => {
    expect([...headers].sort()).toEqual(['max-age=300, public', 'max-age=60, public', 'max-age=600, public', 'no-store']);
  });

  it('the app’s queries through a gateway: every request the gateway sends a subgraph gets the same header', async () => {
    disableApolloTelemetry(process.env);
    const sent = new Map<string, { request: GraphQLRequest; apollo: string | undefined }[]>();
    const pairs = new Map<string, Pair>();
    const urls: string[] = [];
    for (const { name } of subgraphEntries) {
      const schema = schemaOf(name);
      const pair = await pairOver(() => schemaOf(name));
      stops.push(() => pair.ours.stop());
      pairs.set(name, pair);
      const requests: { request: GraphQLRequest; apollo: string | undefined }[] = [];
      sent.set(name, requests);
      // Apollo's plugin answers the gateway; a recorder keeps each request and the header Apollo set.
      const recorded = new ApolloServer({
        schema,
        fieldResolver: mockResolver(schema),
        plugins: [
          ...apolloPlugins(),
          {
            async requestDidStart() {
              return {
                async willSendResponse({ request, response }) {
                  requests.push({ request: { query: request.query!, variables: request.variables! }, apollo: response.http.headers.get('cache-control') });
                },
              };
            },
          },
        ],
      });
      const { url } = await startStandaloneServer(recorded, { listen: { host: '127.0.0.1', port: 0 } });
      stops.push(() => recorded.stop(), () => pair.apollo.stop());
      urls.push(`${name}=${url}`);
    }
    const gateway = createGateway({
      config: parseGatewayConfig({ GATEWAY_PORT: '0', LOG_LEVEL: 'silent', NODE_ENV: 'test', SUBGRAPH_URLS: urls.join(','), ...COLD_START_BUDGETS }),
      supergraphSdl: readFileSync(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8'),
      logger: silentLogger,
    });
    await gateway.start();
    stops.push(() => gateway.stop());
    const http = await startHttpServer(gateway.handler, { host: '127.0.0.1', port: 0 });
    stops.push(() => http.close(1_000));

    const queries = appQueries();
    expect(queries.map((q) => q.name)).toContain('HomeScreen');
    for (const { name, body } of queries) {
      const variables = Object.fromEntries([...body.matchAll(/\$(\w+): (ID|Int|String)!(?! =)/g)].map(([, v, t]) => [v, t === 'Int' ? 3 : '1']));
      const res = await fetch(`${http.origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: body, variables }) });
      const json = (await res.json()) as { errors?: unknown };
      expect(json.errors, name).toBeUndefined();
    }

    let compared = 0;
    let entities = 0;
    for (const [name, requests] of sent) {
      for (const { request, apollo } of requests) {
        expect((await ask(pairs.get(name)!.ours, request)).cacheControl, `${name}: ${request.query}`).toBe(apollo);
        compared++;
        if (request.query!.includes('_entities')) entities++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(queries.length);
    expect(entities).toBeGreaterThan(0);
    // The home screen's three subgraphs, each cacheable for as long as its hints say.
    const home = (name: string) => sent.get(name)!.map((r) => r.apollo);
    expect(home('catalog')).toContain('max-age=60, public');
    expect(home('reviews')).toContain('max-age=300, public');
    expect(home('accounts')).toContain('max-age=600, public');
  });
});

/** Every query of every app build the gateway accepts (the union of the manifests). */
function appQueries(): { name: string; body: string }[] {
  const dir = new URL('../../../schema/app-builds/', import.meta.url);
  const out = new Map<string, string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const manifest = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { operations: { name: string; type: string; body: string }[] };
    for (const op of manifest.operations) if (op.type === 'query') out.set(op.body, op.name);
  }
  return [...out].map(([body, name]) => ({ name, body }));
}

describe('subgraph Cache-Control where Apollo sees data the document does not show: never more cacheable', () => {
  const typeDefs = parse(`
    directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
    enum CacheControlScope { PUBLIC PRIVATE }
    type Query {
      shelf: Shelf @cacheControl(maxAge: 120)
      nothing: Shelf @cacheControl(maxAge: 120)
      items: [Item!]! @cacheControl(maxAge: 100)
      owner: Owner @cacheControl(maxAge: 90)
    }
    type Shelf @cacheControl(inheritMaxAge: true) { label: String secret: Secret note: Note @cacheControl(inheritMaxAge: true) }
    type Note { text: String }
    type Secret @cacheControl(maxAge: 5, scope: PRIVATE) { value: String }
    interface Item { id: ID! }
    type Book implements Item { id: ID! title: String }
    type Film implements Item { id: ID! @cacheControl(maxAge: 10, scope: PRIVATE) length: Int }
    union Owner = Person | Company
    type Person { name: String }
    type Company { name: String @cacheControl(maxAge: 20, scope: PRIVATE) }
  `);
  // The shelf has no secret, `nothing` is null, only books are ever there, the owner is a person.
  const data: Record<string, unknown> = {
    shelf: { label: 'top', secret: null, note: { text: 'hi' } },
    nothing: null,
    items: [{ __typename: 'Book', id: '1', title: 'A' }],
    owner: { __typename: 'Person', name: 'Ada' },
  };
  const resolver: GraphQLFieldResolver<unknown, unknown> = (source, _args, _ctx, info) =>
    (info.path.prev === undefined ? data : (source as Record<string, unknown>))[info.fieldName];
  const stops: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const stop of stops) await stop();
  });
  const both = async (query: string) => {
    const { apollo, ours } = await pairOver(() => buildSubgraphSchema({ typeDefs }), resolver);
    stops.push(() => apollo.stop(), () => ours.stop());
    return { apollo: (await ask(apollo, { query })).cacheControl, ours: (await ask(ours, { query })).cacheControl };
  };

  it('a field under a null parent still counts: Apollo never resolves it', async () => {
    const { apollo, ours } = await both('{ nothing { label secret { value } } }');
    expect(apollo).toBe('max-age=120, public');
    expect(ours).toBe('max-age=5, private');
    neverMoreCacheable(ours, apollo);
  });

  it('a field of an interface counts on every type that implements it', async () => {
    const { apollo, ours } = await both('{ items { id ... on Book { title } } }');
    expect(apollo).toBe('max-age=100, public');
    expect(ours).toBe('max-age=10, private');
    neverMoreCacheable(ours, apollo);
  });

  it('a union counts every member, and @skip does not hide a field', async () => {
    const union = await both('{ owner { ... on Person { name } ... on Company { name } } }');
    expect(union.apollo).toBe('max-age=90, public');
    expect(union.ours).toBe('max-age=20, private');
    neverMoreCacheable(union.ours, union.apollo);
    const skipped = await both('{ shelf { label } nothing @skip(if: true) { secret { value } } }');
    expect(skipped.apollo).toBe('max-age=120, public');
    expect(skipped.ours).toBe('max-age=5, private');
  });

  it('fragments, aliases, inherited maxAge and a null field give Apollo’s answer exactly', async () => {
    const { apollo, ours } = await both('query Q { a: shelf { ...S } b: shelf { __typename label } } fragment S on Shelf { label secret { value } }');
    expect(apollo).toBe('max-age=5, private');
    expect(ours).toBe(apollo);
    // Shelf inherits by its type's hint, Note (no hint of its own) by the field's.
    const inherited = await both('{ shelf { ... { label } note { text } } }');
    expect(inherited.apollo).toBe('max-age=120, public');
    expect(inherited.ours).toBe(inherited.apollo);
  });

  it('introspection, a parse error and an unknown field are never cacheable', async () => {
    for (const query of ['{ __schema { queryType { name } } }', '{ shelf {', '{ nope }']) {
      const { apollo, ours } = await both(query);
      expect(ours, query).toBe('no-store');
      expect(apollo, query).toBe('no-store');
    }
  });
});

describe('what the planner spares a subgraph', () => {
  it('Apollo no longer wraps the resolvers or hands them info.cacheControl', async () => {
    const typeDefs = parse('type Query { greeting: String @cacheControl(maxAge: 30) } directive @cacheControl(maxAge: Int) on FIELD_DEFINITION');
    let seen: unknown = 'not called';
    const greeting = (_: unknown, __: unknown, ___: unknown, info: { cacheControl?: unknown }) => {
      seen = info.cacheControl;
      return 'hello';
    };
    const schema = buildSubgraphSchema({ typeDefs, resolvers: { Query: { greeting } } as never });
    const server = new ApolloServer({ schema, plugins: cacheControlPlugins() });
    await server.start();
    try {
      expect((await ask(server, { query: '{ greeting }' })).cacheControl).toBe('max-age=30, public');
      expect(seen).toBeUndefined();
      // Apollo's per-field hook would have replaced the field's resolver with its wrapper.
      expect(schema.getQueryType()!.getFields().greeting!.resolve).toBe(greeting);
    } finally {
      await server.stop();
    }
  });
});

describe('cacheControlHeader, as Apollo writes it', () => {
  it('merges a header already there, keeps one it cannot read, and refuses errors and maxAge 0', () => {
    expect(cacheControlHeader({ maxAge: 60 }, undefined, true)).toBe('max-age=60, public');
    expect(cacheControlHeader({ maxAge: 60, scope: 'PRIVATE' }, undefined, true)).toBe('max-age=60, private');
    expect(cacheControlHeader({ maxAge: 60 }, 'max-age=30, private', true)).toBe('max-age=30, private');
    expect(cacheControlHeader({ maxAge: 60 }, 'no-store', true)).toBe('no-store');
    expect(cacheControlHeader({ maxAge: 60 }, 'public, max-age=5', true)).toBeUndefined();
    expect(cacheControlHeader({ maxAge: 60 }, undefined, false)).toBe('no-store');
    expect(cacheControlHeader({ maxAge: 0 }, undefined, true)).toBe('no-store');
    expect(cacheControlHeader({}, undefined, true)).toBe('no-store');
  });
});
