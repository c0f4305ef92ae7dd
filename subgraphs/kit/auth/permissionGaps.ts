import { Kind, type DocumentNode } from 'graphql';
import { isFieldRules, type PermissionRules } from './createPermissions.js';

/**
 * Every object type and field of a subgraph's own SDL that its permissions map does not
 * cover (a type rule, a `'*'` default or a field rule covers a field), as `Type` or
 * `Type.field`. Empty = fully covered. At run time an uncovered field is refused anyway
 * (`fallbackRule: deny`); tests call this so that a forgotten rule fails CI, not a phone.
 */
export function permissionGaps(typeDefs: DocumentNode, rules: PermissionRules): string[] {
  const fields = new Map<string, Set<string>>();
  for (const def of typeDefs.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const set = fields.get(def.name.value) ?? new Set<string>();
    for (const field of def.fields ?? []) set.add(field.name.value);
    fields.set(def.name.value, set);
  }
  const gaps: string[] = [];
  for (const [typeName, names] of fields) {
    const typeRules = rules[typeName];
    if (typeRules === undefined) {
      gaps.push(typeName);
      continue;
    }
    if (!isFieldRules(typeRules) || Object.hasOwn(typeRules, '*')) continue;
    for (const field of names) if (!Object.hasOwn(typeRules, field)) gaps.push(`${typeName}.${field}`);
  }
  return gaps;
}
