import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  TypeMetaFieldDef,
  valueFromAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { DEFAULT_SLICING_ARGUMENTS, type ListSizes } from './listSizes.js';

/**
 * graphql-armor's weights, kept so that the costs documented before variables were counted
 * still hold for literal queries (HomeScreen 1663): a leaf costs 1, a field with a
 * selection set 2 plus each child ×1.2, a fragment spread 1 plus its fragment ×1.2.
 */
const OBJECT_COST = 2;
const SCALAR_COST = 1;
const DEPTH_FACTOR = 1.2;

export interface OperationCostInput {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  /**
   * The operation's coerced variable values (graphql-js `getVariableValues`), or
   * `undefined` when they could not be coerced: then a list sized by a variable counts as
   * its `max` (or `unknownSize`), the worst case, never as 1.
   */
  readonly variables: Readonly<Record<string, unknown>> | undefined;
  readonly listSizes: ListSizes;
  /** The length of a list sized by a value the cost cannot know and with no `max`. */
  readonly unknownSize: number;
}

/**
 * The estimated cost of one operation with the values it will really run with: a list
 * field's subtree is multiplied by its length, read from its slicing argument whether it
 * is written literally, passed as a variable or left to the schema's default, and capped
 * by the field's `max` (see `listSizes`). `__schema` costs nothing (the explorer loads the
 * schema with it; production turns introspection off).
 */
export function operationCost(input: OperationCostInput): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of input.document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // A fragment's cost does not depend on where it is spread (the variables are fixed): once each.
  const fragmentCosts = new Map<string, number>();
  const rootType = rootTypeOf(input.schema, input.operation);

  const selectionSetCost = (set: SelectionSetNode, parent: GraphQLNamedType | undefined): number =>
    set.selections.reduce((sum, child) => sum + DEPTH_FACTOR * selectionCost(child, parent), OBJECT_COST);

  const selectionCost = (node: SelectionNode, parent: GraphQLNamedType | undefined): number => {
    switch (node.kind) {
      case Kind.FIELD:
        return fieldCost(node, parent);
      case Kind.INLINE_FRAGMENT: {
        const type = node.typeCondition ? input.schema.getType(node.typeCondition.name.value) : parent;
        return selectionSetCost(node.selectionSet, type ?? undefined);
      }
      case Kind.FRAGMENT_SPREAD: {
        const name = node.name.value;
        let cost = fragmentCosts.get(name);
        if (cost === undefined) {
          const fragment = fragments.get(name);
          fragmentCosts.set(name, 0); // validation refuses cycles; this only guards the walk
          cost = fragment ? selectionSetCost(fragment.selectionSet, input.schema.getType(fragment.typeCondition.name.value) ?? undefined) : 0;
          fragmentCosts.set(name, cost);
        }
        return SCALAR_COST + DEPTH_FACTOR * cost;
      }
    }
  };

  const fieldCost = (node: FieldNode, parent: GraphQLNamedType | undefined): number => {
    const name = node.name.value;
    if (name === '__schema') return 0;
    if (!node.selectionSet) return SCALAR_COST;
    const field = fieldOf(parent, name);
    const type = field ? getNamedType(field.type) : undefined;
    return selectionSetCost(node.selectionSet, type) * listLength(node, parent, field);
  };

  const listLength = (node: FieldNode, parent: GraphQLNamedType | undefined, field: GraphQLField<unknown, unknown> | undefined): number => {
    const setting = parent ? input.listSizes[`${parent.name}.${node.name.value}`] : undefined;
    const slicing = setting?.slicingArguments ?? DEFAULT_SLICING_ARGUMENTS;
    const sizes: number[] = [];
    for (const argName of slicing) {
      const argDef = field?.args.find((a) => a.name === argName);
      if (!argDef) continue;
      const argNode = node.arguments?.find((a) => a.name.value === argName);
      let value: unknown;
      if (argNode === undefined) value = argDef.defaultValue;
      else if (argNode.value.kind === Kind.VARIABLE && input.variables === undefined) value = Number.POSITIVE_INFINITY;
      else value = valueFromAST(argNode.value, argDef.type, input.variables as Record<string, unknown> | undefined) ?? argDef.defaultValue;
      if (typeof value === 'number' && !Number.isNaN(value)) sizes.push(value);
    }
    let size = sizes.length > 0 ? Math.max(...sizes) : (setting?.assumedSize ?? 1);
    if (size === Number.POSITIVE_INFINITY) size = setting?.max ?? input.unknownSize;
    if (setting?.max !== undefined) size = Math.min(size, setting.max);
    return Math.max(1, size);
  };

  return input.operation.selectionSet.selections.reduce((sum, child) => sum + selectionCost(child, rootType), 0);
}

/** The root fields an operation selects (fragments expanded), `__typename` not counted. */
export function rootFieldCount(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // Validation has refused fragment cycles. A fragment spread twice counts twice (an over-count, never an under-count).
  const count = (set: SelectionSetNode): number =>
    set.selections.reduce((sum, node) => {
      if (node.kind === Kind.FIELD) return sum + (node.name.value === '__typename' ? 0 : 1);
      if (node.kind === Kind.INLINE_FRAGMENT) return sum + count(node.selectionSet);
      const fragment = fragments.get(node.name.value);
      return sum + (fragment ? count(fragment.selectionSet) : 0);
    }, 0);
  return count(operation.selectionSet);
}

function rootTypeOf(schema: GraphQLSchema, operation: OperationDefinitionNode): GraphQLNamedType | undefined {
  if (operation.operation === 'mutation') return schema.getMutationType() ?? undefined;
  if (operation.operation === 'subscription') return schema.getSubscriptionType() ?? undefined;
  return schema.getQueryType() ?? undefined;
}

function fieldOf(parent: GraphQLNamedType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === '__type') return TypeMetaFieldDef;
  if (!parent || !(isObjectType(parent) || isInterfaceType(parent))) return undefined;
  return parent.getFields()[name];
}
