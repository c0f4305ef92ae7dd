import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export type CacheScope = 'PUBLIC' | 'PRIVATE';

/** A cache policy as Apollo's `CachePolicy` holds it: no `maxAge` restricts nothing. */
export interface CacheHint {
  readonly maxAge?: number;
  readonly scope?: CacheScope;
}

/** A policy being added up, as Apollo's `CachePolicy` holds one. */
export type Policy = { maxAge?: number; scope?: CacheScope };

/** An `@cacheControl` on a type or a field, read as Apollo's plugin reads it. */
interface Annotation extends CacheHint {
  readonly inheritMaxAge?: true;
}

export interface CachePolicyPlanner {
  /**
   * The policy of a query's answer: what Apollo's cache-control plugin would reach if every
   * field of the operation resolved, on every object type it could resolve on. `variables`
   * matter only for `_entities`, whose representations name the entity types it returns.
   */
  policyOf(document: DocumentNode, operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>> | undefined): CacheHint;
}

export interface CachePolicyPlannerOptions {
  /** The maxAge of a root field, or of a field returning an object, that has no hint. Apollo's default: 0. */
  readonly defaultMaxAge: number;
}

/** Policies kept per document: one per operation and set of entity types, which are few. */
const MAX_PLANS_PER_DOCUMENT = 32;

const EMPTY: Annotation = Object.freeze({});

/**
 * The cache policy of a subgraph's answer, worked out from the document instead of field by
 * field while it executes. Apollo's plugin hooks `willResolveField`, which makes Apollo wrap
 * every resolver of the schema and run its hook, with a policy object and two closures, for
 * every field of every answer: 7–10% of a subgraph's CPU on the home screen (one A/B measurement).
 *
 * Each field's policy follows Apollo's rules exactly (the return type's hint, then the field's,
 * `inheritMaxAge`, `defaultMaxAge` for root fields and fields returning an object, and
 * `_entities` restricted by each representation's type, as `@apollo/subgraph` does). Where
 * Apollo sees data and this does not, it errs towards less cacheable, never more:
 * - it counts fields under a parent that turns out null or an empty list (Apollo skips them);
 * - a field of an interface or union counts on every object type that could be there;
 * - `@skip` and `@include` are ignored: a skipped field still counts.
 * No resolver of ours sets a dynamic hint (`info.cacheControl` is absent now); one that needs
 * to would have to say so here.
 */
export function createCachePolicyPlanner(schema: GraphQLSchema, options: CachePolicyPlannerOptions): CachePolicyPlanner {
  const typeAnnotations = new Map<GraphQLNamedType, Annotation>();
  const fieldAnnotations = new Map<GraphQLField<unknown, unknown>, Annotation>();
  const plans = new WeakMap<DocumentNode, Map<string, CacheHint>>();
  const queryType = schema.getQueryType();

  function typeAnnotation(type: GraphQLNamedType): Annotation {
    let found = typeAnnotations.get(type);
    if (found === undefined) {
      found = annotationOf(type.astNode?.directives) ?? firstAnnotation(type.extensionASTNodes) ?? EMPTY;
      typeAnnotations.set(type, found);
    }
    return found;
  }

  function fieldAnnotation(field: GraphQLField<unknown, unknown>): Annotation {
    let found = fieldAnnotations.get(field);
    if (found === undefined) {
      found = annotationOf(field.astNode?.directives) ?? EMPTY;
      fieldAnnotations.set(field, found);
    }
    return found;
  }

  /** Apollo's `willResolveField` and its end hook for one field, with `_entities`' restriction in between. */
  function fieldPolicy(field: GraphQLField<unknown, unknown>, isRoot: boolean, entityTypes: readonly GraphQLNamedType[] | undefined): CacheHint {
    const policy: Policy = {};
    let inheritMaxAge = false;
    const target = getNamedType(field.type);
    const composite = isCompositeType(target);
    if (composite) {
      const hint = typeAnnotation(target);
      replace(policy, hint);
      inheritMaxAge = hint.inheritMaxAge === true;
    }
    const hint = fieldAnnotation(field);
    if (hint.inheritMaxAge && policy.maxAge === undefined) {
      inheritMaxAge = true;
      if (hint.scope !== undefined) policy.scope = hint.scope;
    } else {
      replace(policy, hint);
    }
    for (const type of entityTypes ?? []) restrict(policy, typeAnnotation(type));
    if (policy.maxAge === undefined && ((composite && !inheritMaxAge) || isRoot)) restrict(policy, { maxAge: options.defaultMaxAge });
    return policy;
  }

  function plan(document: DocumentNode, operation: OperationDefinitionNode, entityTypesOf: ReadonlyMap<FieldNode, readonly GraphQLNamedType[]>): CacheHint {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    // A selection set on a given type always adds up to the same policy: worked out once.
    const done = new Map<SelectionSetNode, Map<GraphQLObjectType, CacheHint>>();
    const policy: Policy = {};

    const selectionSet = (set: SelectionSetNode, types: readonly GraphQLObjectType[], isRoot: boolean, into: Policy) => {
      for (const type of types) {
        let byType = done.get(set);
        let known = byType?.get(type);
        if (known === undefined) {
          const own: Policy = {};
          selections(set, type, isRoot, own, new Set());
          known = own;
          if (byType === undefined) done.set(set, (byType = new Map()));
          byType.set(type, known);
        }
        restrict(into, known);
      }
    };

    const selections = (set: SelectionSetNode, type: GraphQLObjectType, isRoot: boolean, into: Policy, spread: Set<string>) => {
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          // Meta fields (__typename, __schema, __type) are not resolved through the schema's resolvers: Apollo gives them no hint.
          if (selection.name.value.startsWith('__')) continue;
          const field = type.getFields()[selection.name.value];
          if (field === undefined) continue; // validation refuses it before execution
          const entityTypes = isRoot && type === queryType ? entityTypesOf.get(selection) : undefined;
          restrict(into, fieldPolicy(field, isRoot, entityTypes));
          if (selection.selectionSet) {
            const children = entityTypes ? entityTypes.flatMap((t) => objectTypesOf(schema, t)) : objectTypesOf(schema, getNamedType(field.type));
            selectionSet(selection.selectionSet, children, false, into);
          }
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (selection.typeCondition === undefined || applies(schema, selection.typeCondition.name.value, type)) selections(selection.selectionSet, type, isRoot, into, spread);
        } else {
          const fragment = fragments.get(selection.name.value);
          // `spread` guards a cycle, which validation refuses anyway.
          if (fragment === undefined || spread.has(fragment.name.value) || !applies(schema, fragment.typeCondition.name.value, type)) continue;
          spread.add(fragment.name.value);
          selections(fragment.selectionSet, type, isRoot, into, spread);
          spread.delete(fragment.name.value);
        }
      }
    };

    const root = schema.getRootType(operation.operation);
    if (root) selectionSet(operation.selectionSet, [root], true, policy);
    return policy;
  }

  return {
    policyOf(document, operation, variables) {
      const entityTypesOf = entitiesFields(schema, document, operation, variables);
      const key = `${operation.name?.value ?? ''}|${operation.operation}|${[...entityTypesOf.values()].map((types) => types.map((t) => t.name).join(',')).join(';')}`;
      let byKey = plans.get(document);
      const known = byKey?.get(key);
      if (known !== undefined) return known;
      const policy = Object.freeze(plan(document, operation, entityTypesOf));
      if (byKey === undefined) plans.set(document, (byKey = new Map()));
      if (byKey.size >= MAX_PLANS_PER_DOCUMENT) byKey.clear();
      byKey.set(key, policy);
      return policy;
    },
  };
}

/**
 * The root `_entities` fields of the operation (directly or through fragments on the root) and
 * the entity types their representations name, in order of first appearance. A `__typename` the
 * schema lacks is left out: `_entities` answers it with an error, and an answer with errors is
 * never cacheable.
 */
function entitiesFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | undefined,
): Map<FieldNode, readonly GraphQLNamedType[]> {
  const out = new Map<FieldNode, readonly GraphQLNamedType[]>();
  if (operation.operation !== 'query') return out;
  const visit = (set: SelectionSetNode, spread: Set<string>) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== '_entities') continue;
        const arg = selection.arguments?.find((a) => a.name.value === 'representations');
        const value: unknown = arg ? valueFromASTUntyped(arg.value, variables as Record<string, unknown> | undefined) : undefined;
        const types: GraphQLNamedType[] = [];
        for (const representation of Array.isArray(value) ? value : []) {
          const name: unknown = typeof representation === 'object' && representation !== null ? (representation as { __typename?: unknown }).__typename : undefined;
          const type = typeof name === 'string' ? schema.getType(name) : undefined;
          if (type && (isObjectType(type) || isInterfaceType(type)) && !types.includes(type)) types.push(type);
        }
        out.set(selection, types);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, spread);
      } else if (!spread.has(selection.name.value)) {
        const fragment = document.definitions.find((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value);
        if (fragment) visit(fragment.selectionSet, new Set([...spread, selection.name.value]));
      }
    }
  };
  visit(operation.selectionSet, new Set());
  return out;
}

/** The object types a value of `type` can be at run time. */
function objectTypesOf(schema: GraphQLSchema, type: GraphQLNamedType): readonly GraphQLObjectType[] {
  if (isObjectType(type)) return [type];
  if (isAbstractType(type)) return schema.getPossibleTypes(type);
  return [];
}

/** graphql-js's rule for whether a fragment on `condition` applies to an object of `type`. */
function applies(schema: GraphQLSchema, condition: string, type: GraphQLObjectType): boolean {
  if (condition === type.name) return true;
  const conditionType = schema.getType(condition);
  return conditionType !== undefined && isAbstractType(conditionType) && schema.isSubType(conditionType, type);
}

function replace(policy: Policy, hint: CacheHint): void {
  if (hint.maxAge !== undefined) policy.maxAge = hint.maxAge;
  if (hint.scope !== undefined) policy.scope = hint.scope;
}

/** Apollo's `CachePolicy.restrict`: the lower maxAge; once PRIVATE, always PRIVATE. */
export function restrict(policy: Policy, hint: CacheHint): void {
  if (hint.maxAge !== undefined && (policy.maxAge === undefined || hint.maxAge < policy.maxAge)) policy.maxAge = hint.maxAge;
  if (hint.scope !== undefined && policy.scope !== 'PRIVATE') policy.scope = hint.scope;
}

function firstAnnotation(nodes: readonly { readonly directives?: readonly ConstDirectiveNode[] | undefined }[]): Annotation | undefined {
  for (const node of nodes) {
    const found = annotationOf(node.directives);
    if (found) return found;
  }
  return undefined;
}

/** Apollo's `cacheAnnotationFromDirectives`, argument for argument. */
function annotationOf(directives: readonly ConstDirectiveNode[] | undefined): Annotation | undefined {
  const directive = directives?.find((d) => d.name.value === 'cacheControl');
  if (directive?.arguments === undefined) return undefined;
  const arg = (name: string) => directive.arguments?.find((a) => a.name.value === name)?.value;
  const scopeValue = arg('scope');
  const scopeName = scopeValue?.kind === Kind.ENUM ? scopeValue.value : undefined;
  const scope = scopeName === 'PUBLIC' || scopeName === 'PRIVATE' ? scopeName : undefined;
  const inherit = arg('inheritMaxAge');
  if (inherit?.kind === Kind.BOOLEAN && inherit.value) return scope === undefined ? { inheritMaxAge: true } : { inheritMaxAge: true, scope };
  const maxAgeValue = arg('maxAge');
  const maxAge = maxAgeValue?.kind === Kind.INT ? parseInt(maxAgeValue.value, 10) : undefined;
  return { ...(maxAge !== undefined ? { maxAge } : {}), ...(scope !== undefined ? { scope } : {}) };
}
