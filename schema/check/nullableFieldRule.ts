import {
  Kind,
  parse,
  print,
  type ConstDirectiveNode,
  type FieldDefinitionNode,
  type OperationDefinitionNode,
  type TypeNode,
} from 'graphql';
import type { SubgraphSource } from '../composeSupergraph.js';

/** A vendor-backed field declared non-null: when its vendor fails, null would wipe more than the field. */
export interface NullableRuleViolation {
  readonly subgraph: string;
  /** Project-relative schema file. */
  readonly file: string;
  readonly line: number;
  /** `Type.field`. */
  readonly field: string;
  /** The declared type, e.g. `ProductConnection!`. */
  readonly type: string;
  readonly why: string;
}

interface SubgraphTypes {
  readonly name: string;
  readonly file: string;
  /** Every field of every object or interface type (definitions and extensions merged). */
  readonly fields: Map<string, FieldDefinitionNode[]>;
  /** Entity types (`@key`) → their top-level key fields. */
  readonly keys: Map<string, Set<string>>;
  /** Types some field of this subgraph returns (unions expanded to their members). */
  readonly returned: Set<string>;
}

/**
 * The house rule "vendor-backed fields stay nullable", so that a vendor outage nulls only
 * what that vendor owns (with an error carrying the code) and never the whole response:
 *
 * - every field of `Query` in every subgraph (a non-null root field that fails turns the
 *   whole answer into `data: null`);
 * - every field a subgraph resolves for an entity (`@key`) that another subgraph returns,
 *   other than its key and `@external` fields: those are fetched through `_entities` after
 *   the other subgraph's fetch, so they fail on their own, with their own vendor.
 *
 * `Mutation` fields are exempt (a write's result is the caller's to check). Entity fields
 * that no other subgraph returns are only fetched by the subgraph's own root fields, under
 * a nullable `Query` field: they may be non-null. Pure: SDL in, violations out.
 */
export function findNullableRuleViolations(subgraphs: readonly SubgraphSource[]): NullableRuleViolation[] {
  const parsed = subgraphs.map(readTypes);
  const violations: NullableRuleViolation[] = [];
  for (const subgraph of parsed) {
    const add = (typeName: string, field: FieldDefinitionNode, why: string) => {
      if (field.type.kind !== Kind.NON_NULL_TYPE) return;
      violations.push({
        subgraph: subgraph.name,
        file: subgraph.file,
        line: field.name.loc?.startToken.line ?? 0,
        field: `${typeName}.${field.name.value}`,
        type: print(field.type),
        why,
      });
    };
    for (const field of subgraph.fields.get('Query') ?? []) {
      add('Query', field, `a Query field is resolved by ${subgraph.name}'s vendor; non-null, its failure makes the whole response data: null`);
    }
    for (const [typeName, keyFields] of subgraph.keys) {
      const reachedFrom = parsed.filter((other) => other !== subgraph && other.returned.has(typeName)).map((other) => other.name);
      if (reachedFrom.length === 0) continue;
      for (const field of subgraph.fields.get(typeName) ?? []) {
        if (keyFields.has(field.name.value) || hasDirective(field.directives, 'external')) continue;
        add(
          typeName,
          field,
          `${subgraph.name} resolves it through _entities after ${reachedFrom.join(', ')} returned the ${typeName}; non-null, its vendor failing nulls the parent too`,
        );
      }
    }
  }
  return violations;
}

function readTypes(subgraph: SubgraphSource): SubgraphTypes {
  const file = subgraph.source ?? subgraph.name;
  const document = parse(subgraph.typeDefs);
  const fields = new Map<string, FieldDefinitionNode[]>();
  const keys = new Map<string, Set<string>>();
  const unions = new Map<string, string[]>();
  for (const definition of document.definitions) {
    switch (definition.kind) {
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_EXTENSION: {
        const name = definition.name.value;
        fields.set(name, [...(fields.get(name) ?? []), ...(definition.fields ?? [])]);
        for (const key of directives(definition.directives, 'key')) {
          const set = keys.get(name) ?? new Set<string>();
          for (const field of keyFieldNames(key)) set.add(field);
          keys.set(name, set);
        }
        break;
      }
      case Kind.UNION_TYPE_DEFINITION:
      case Kind.UNION_TYPE_EXTENSION:
        unions.set(definition.name.value, [...(unions.get(definition.name.value) ?? []), ...(definition.types ?? []).map((t) => t.name.value)]);
        break;
      default:
        break;
    }
  }
  const returned = new Set<string>();
  for (const list of fields.values()) {
    for (const field of list) {
      const named = namedType(field.type);
      returned.add(named);
      for (const member of unions.get(named) ?? []) returned.add(member);
    }
  }
  return { name: subgraph.name, file, fields, keys, returned };
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

// Federation directives by their default names (imported as-is or namespaced `federation__`).
function directives(nodes: readonly ConstDirectiveNode[] | undefined, name: string): ConstDirectiveNode[] {
  return (nodes ?? []).filter((d) => d.name.value === name || d.name.value === `federation__${name}`);
}

function hasDirective(nodes: readonly ConstDirectiveNode[] | undefined, name: string): boolean {
  return directives(nodes, name).length > 0;
}

/** The top-level fields of a `@key(fields: "…")` selection. */
function keyFieldNames(key: ConstDirectiveNode): string[] {
  const fields = key.arguments?.find((a) => a.name.value === 'fields')?.value;
  if (fields?.kind !== Kind.STRING) return [];
  const selection = (parse(`{ ${fields.value} }`).definitions[0] as OperationDefinitionNode).selectionSet;
  return selection.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
}
