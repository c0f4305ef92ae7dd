import { CriticalityLevel, diff } from '@graphql-inspector/core';
import type { GraphQLSchema } from 'graphql';

export type ChangeLevel = 'breaking' | 'dangerous' | 'safe';

export interface SchemaChange {
  readonly level: ChangeLevel;
  /** graphql-inspector's change type, e.g. FIELD_REMOVED. */
  readonly type: string;
  /** Schema coordinate, e.g. `Query.products` or `Query.products.first`. */
  readonly path: string;
  readonly message: string;
  /** Why graphql-inspector rates it so, when it says. */
  readonly reason?: string;
}

const LEVELS: Record<CriticalityLevel, ChangeLevel> = {
  [CriticalityLevel.Breaking]: 'breaking',
  [CriticalityLevel.Dangerous]: 'dangerous',
  [CriticalityLevel.NonBreaking]: 'safe',
};
const ORDER: Record<ChangeLevel, number> = { breaking: 0, dangerous: 1, safe: 2 };

/**
 * Every change from `before` to `after` (two API schemas), classified by
 * `@graphql-inspector/core`: breaking (an operation that worked can fail: a field or
 * argument removed, an output field made nullable, an argument or input field made
 * non-null), dangerous (still valid, but a client may misbehave: a new enum value, a new
 * optional argument) or safe. Sorted by level, then path.
 */
export async function classifyChanges(before: GraphQLSchema, after: GraphQLSchema): Promise<SchemaChange[]> {
  const changes = await diff(before, after);
  return changes
    .map((change) => ({
      level: LEVELS[change.criticality.level],
      type: String(change.type),
      path: change.path ?? '',
      message: change.message,
      ...(change.criticality.reason ? { reason: change.criticality.reason } : {}),
    }))
    .sort((a, b) => ORDER[a.level] - ORDER[b.level] || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
