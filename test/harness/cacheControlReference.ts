import { readFileSync } from 'node:fs';
import { ApolloServer, type ApolloServerPlugin, type BaseContext, type GraphQLRequest } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { isAbstractType, isEnumType, isLeafType, isListType, isNonNullType, parse, type GraphQLFieldResolver, type GraphQLOutputType, type GraphQLSchema } from 'graphql';
import { subgraphPaths } from '../../platform/registry/services.js';
import { cacheControlPlugins } from '../../subgraphs/kit/server/cacheControlPlugins.js';

/*
 * The reference the subgraphs' Cache-Control is held to: Apollo's cache-control plugin as
 * the kit used it before `createCachePolicyPlanner`, beside the kit's own, over mock data.
 */

/** The kit's cache-control plugins before the planner: Apollo's, field by field. */
export function apolloCacheControlPlugins(): ApolloServerPlugin<BaseContext>[] {
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
export function mockResolver(schema: GraphQLSchema): GraphQLFieldResolver<unknown, unknown> {
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

export interface Pair {
  readonly apollo: ApolloServer;
  readonly ours: ApolloServer;
}

/** A server over `schema` whose fields answer as `mockResolver` makes them (or `fieldResolver`); not started. */
export function mockedServer(schema: GraphQLSchema, plugins: ApolloServerPlugin<BaseContext>[], fieldResolver?: GraphQLFieldResolver<unknown, unknown>): ApolloServer {
  return new ApolloServer({ schema, plugins, fieldResolver: fieldResolver ?? mockResolver(schema) });
}

/**
 * Apollo's plugin and ours over two copies of one schema, started: once a plugin hooks
 * `willResolveField`, Apollo wraps every resolver of the schema it runs on, and the wrapped
 * fields then no longer fall back to a server's own `fieldResolver`.
 */
export async function pairOver(makeSchema: () => GraphQLSchema, fieldResolver?: GraphQLFieldResolver<unknown, unknown>): Promise<Pair> {
  const apollo = mockedServer(makeSchema(), apolloCacheControlPlugins(), fieldResolver);
  const ours = mockedServer(makeSchema(), cacheControlPlugins(), fieldResolver);
  await apollo.start();
  await ours.start();
  return { apollo, ours };
}

export interface Answer {
  readonly cacheControl: string | undefined;
  readonly body: unknown;
}

export async function ask(server: ApolloServer, request: GraphQLRequest): Promise<Answer> {
  const res = await server.executeOperation(request);
  return { cacheControl: res.http.headers.get('cache-control'), body: res.body };
}

/** A subgraph's schema as `buildSubgraphSchema` makes it from its contract, without resolvers. */
export const subgraphSchema = (name: string): GraphQLSchema => buildSubgraphSchema({ typeDefs: parse(readFileSync(new URL(`../../${subgraphPaths(name).schema}`, import.meta.url), 'utf8')) });
