import { ApolloServer, type GraphQLRequest } from '@apollo/server';
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
  type GraphQLSchema,
} from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { subgraphEntries } from '../../../platform/registry/services.js';
import { ask, pairOver, subgraphSchema } from '../../../test/harness/cacheControlReference.js';
import { cacheControlHeader, cacheControlPlugins } from './cacheControlPlugins.js';

/**
 * The subgraphs' Cache-Control is worked out from the document (`createCachePolicyPlanner`),
 * no longer by Apollo's plugin field by field. These tests hold it to Apollo's plugin as the
 * kit used it (`defaultMaxAge: 0`, headers on, mutations restricted to 0): the same header on
 * every operation of every subgraph's schema with every field answered, and never a more
 * cacheable one where Apollo sees data that the document does not show. The same comparison on
 * what the gateway really sends: test/e2e/subgraphCacheControl.test.ts.
 */

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

describe('subgraph Cache-Control: the planner answers as Apollo’s cache-control plugin did', () => {
  const stops: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });
  const headers = new Set<string>();

  it.each(subgraphEntries.map((s) => s.name))('%s: every root field, every entity type and a mutation of each kind get the same header and data', async (name) => {
    const schema = subgraphSchema(name);
    const { apollo, ours } = await pairOver(() => subgraphSchema(name));
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
});

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
