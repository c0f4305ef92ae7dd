import { buildSubgraphSchema } from '@apollo/subgraph';
import { describe, expect, it } from 'vitest';
import { createPermissions } from '../kit/auth/createPermissions.js';
import { permissionGaps } from '../kit/auth/permissionGaps.js';
import { accountsRules } from './permissions.js';
import { typeDefs } from './server.js';

describe('accounts permissions', () => {
  it('cover every object type and field of schema.graphql (a forgotten rule fails here, not in production)', () => {
    expect(permissionGaps(typeDefs, accountsRules)).toEqual([]);
  });

  it('name only types and fields the schema has (shield refuses anything else at start-up)', () => {
    expect(() => createPermissions(accountsRules).generate(buildSubgraphSchema({ typeDefs }))).not.toThrow();
  });
});
