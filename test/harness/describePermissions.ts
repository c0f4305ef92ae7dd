import { buildSubgraphSchema } from '@apollo/subgraph';
import type { DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createPermissions, type PermissionRules } from '../../subgraphs/kit/auth/createPermissions.js';
import { permissionGaps } from '../../subgraphs/kit/auth/permissionGaps.js';

/**
 * The permissions test every subgraph has: its map covers its own schema.graphql, and names
 * nothing the schema lacks. At run time a forgotten rule is refused anyway (fallback: deny);
 * this makes it fail CI instead of a phone.
 */
export function describePermissions(subgraph: string, typeDefs: DocumentNode, rules: PermissionRules): void {
  describe(`${subgraph} permissions`, () => {
    it('cover every object type and field of schema.graphql (a forgotten rule fails here, not in production)', () => {
      expect(permissionGaps(typeDefs, rules)).toEqual([]);
    });

    it('name only types and fields the schema has (shield refuses anything else at start-up)', () => {
      expect(() => createPermissions(rules).generate(buildSubgraphSchema({ typeDefs }))).not.toThrow();
    });
  });
}
