import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';

/**
 * The client-facing (API) schema of a supergraph: what an app can query, without the
 * `join__*` / `link__*` machinery and `@inaccessible` elements. This is the schema app
 * builds were compiled against, so it is the one changes are classified on. Throws when
 * the SDL is not a valid supergraph.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}
