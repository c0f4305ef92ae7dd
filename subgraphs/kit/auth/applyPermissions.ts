import { isObjectType, type GraphQLSchema } from 'graphql';
import type { Permissions } from './createPermissions.js';
import { applyMiddleware } from './shieldModules.js';

type ReferenceResolver = (...args: unknown[]) => unknown;

interface SubgraphTypeExtensions {
  apollo?: { subgraph?: { resolveReference?: ReferenceResolver } };
}

function referenceResolverOf(extensions: unknown): ReferenceResolver | undefined {
  return (extensions as SubgraphTypeExtensions | undefined)?.apollo?.subgraph?.resolveReference;
}

/**
 * The subgraph schema with the permissions applied (`applyMiddleware`); unchanged without
 * permissions. `__resolveReference` is not a field resolver, so no rule runs on it: entity
 * access is guarded by the rules of the entity's fields (and `_entities` is allowed).
 */
export function applyPermissions(schema: GraphQLSchema, permissions: Permissions | undefined): GraphQLSchema {
  if (permissions === undefined) return schema;
  const guarded = applyMiddleware(schema, permissions);
  restoreReferenceResolvers(schema, guarded);
  return guarded;
}

/**
 * graphql-middleware rebuilds every type from `toConfig()`. Federation 1's
 * `buildFederatedSchema` kept `resolveReference` as a bare property, which that drops
 * (graphql-middleware#351, federation#737: entities then resolve to their bare
 * representation). @apollo/subgraph 2 keeps it in `extensions.apollo.subgraph`, which
 * survives (a test holds us to it); should a version ever lose it again, it is put back
 * here rather than every `_entities` lookup silently returning nulls.
 */
export function restoreReferenceResolvers(original: GraphQLSchema, guarded: GraphQLSchema): number {
  let restored = 0;
  for (const type of Object.values(original.getTypeMap())) {
    const resolveReference = isObjectType(type) ? referenceResolverOf(type.extensions) : undefined;
    if (resolveReference === undefined) continue;
    const target = guarded.getType(type.name);
    if (!isObjectType(target) || referenceResolverOf(target.extensions) !== undefined) continue;
    const extensions = target.extensions as SubgraphTypeExtensions & Record<string, unknown>;
    const apollo = extensions.apollo ?? {};
    (target as { extensions: unknown }).extensions = {
      ...extensions,
      apollo: { ...apollo, subgraph: { ...apollo.subgraph, resolveReference } },
    };
    restored += 1;
  }
  return restored;
}
