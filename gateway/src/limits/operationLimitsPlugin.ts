import type { ApolloServerPlugin } from '@apollo/server';
import { getVariableValues, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { ListSizes } from './listSizes.js';
import { operationCost, rootFieldCount } from './operationCost.js';
import { QueryLimitError } from './QueryLimitError.js';

export interface OperationLimitsOptions {
  /** Highest cost of one operation, counted with its variables (see `operationCost`). */
  readonly maxCost: number;
  /** Most root fields of one mutation operation (aliases count; `__typename` does not). */
  readonly maxMutationFields: number;
  readonly listSizes: ListSizes;
}

/** A list sized by a variable that could not be coerced, on a field with no `max`: counted as this many. */
const UNKNOWN_LIST_SIZE = 100;

/**
 * The limits that depend on more than the document, checked per request at
 * `didResolveOperation`, after validation and before the query plan runs anything:
 *
 * - **cost with the variables**: armor's rules run at validation, whose result Apollo
 *   caches per document, so they cannot see `first: $n`; here the variables are coerced
 *   (graphql-js `getVariableValues`, the same coercion execution does) and every list
 *   counts as long as it will be;
 * - **mutation fields**: `{ a: signUp(…) b: signUp(…) … }` would run each alias, one
 *   side effect each; refused as a whole, so nothing of it runs.
 *
 * A refusal is a `QueryLimitError` (HTTP 400, QUERY_TOO_COMPLEX naming the limit).
 */
export function operationLimitsPlugin<TContext extends object>(options: OperationLimitsOptions): ApolloServerPlugin<TContext> {
  // The cost of an operation without variables depends on its document alone, and Apollo
  // hands every request of a cached document the same parsed nodes: counted once per node
  // (per schema, which a supergraph update replaces). Weak: an entry lives no longer than
  // Apollo's document cache keeps its document.
  const fixedCosts = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, number>>();
  const fixedCostsOf = (schema: GraphQLSchema) => {
    let costs = fixedCosts.get(schema);
    if (costs === undefined) fixedCosts.set(schema, (costs = new WeakMap()));
    return costs;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, schema, request }) {
          if (!operation) return; // Apollo has already refused it (unknown operationName)
          if (operation.operation === 'mutation' && rootFieldCount(document, operation) > options.maxMutationFields) {
            throw new QueryLimitError('mutations', options.maxMutationFields);
          }
          const definitions = operation.variableDefinitions ?? [];
          const fixed = definitions.length === 0 ? fixedCostsOf(schema) : undefined;
          let cost = fixed?.get(operation);
          if (cost === undefined) {
            const coerced = getVariableValues(schema, definitions, request.variables ?? {}, { maxErrors: 1 });
            cost = operationCost({
              schema,
              document,
              operation,
              variables: coerced.coerced,
              listSizes: options.listSizes,
              unknownSize: UNKNOWN_LIST_SIZE,
            });
            fixed?.set(operation, cost);
          }
          if (cost > options.maxCost) throw new QueryLimitError('cost', options.maxCost);
        },
      };
    },
  };
}
