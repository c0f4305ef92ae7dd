import { Supergraph } from '@apollo/federation-internals';
import { printSchema } from 'graphql';

/**
 * The schema a client sees, as SDL: the supergraph's API schema, without the federation
 * machinery (`join__*`, `link__*`, `@link`, the subgraphs' URLs) and without anything
 * `@inaccessible`. What codegen and a frontend team's tools read.
 */
export function clientSchemaSdl(supergraphSdl: string): string {
  return `${printSchema(Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema())}\n`;
}
