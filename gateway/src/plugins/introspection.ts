import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { execute, Kind, type OperationDefinitionNode } from 'graphql';

const INTROSPECTION_ROOT_FIELDS = new Set(['__schema', '__type', '__typename']);

/**
 * An operation that only introspects (`__schema`, `__type`, `__typename` at its root) is
 * answered by graphql-js from the gateway's API schema, not by Apollo Gateway's query
 * planner: the planner's own copy of the introspection types predates graphql 16.9 and
 * has no `__Type.isOneOf`, which the introspection query of newer tools (GraphiQL 3,
 * graphql-js 16.9+ `getIntrospectionQuery({ oneOf: true })`) asks for, so those answered
 * 500. graphql-js 16.15 has `isOneOf`. Whether introspection is allowed at all was decided
 * at validation (INTROSPECTION, production), before this runs.
 *
 * An answer with errors (variables that do not coerce) is left to the usual path.
 */
export function introspectionPlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ operation, document, schema, request }) {
          if (!operation || !isIntrospectionOnly(operation)) return null;
          const result = await execute({ schema, document, operationName: operation.name?.value, variableValues: request.variables });
          if (result.errors?.length) return null;
          return { http: { headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data: result.data } } };
        },
      };
    },
  };
}

function isIntrospectionOnly(operation: OperationDefinitionNode): boolean {
  return (
    operation.operation === 'query' &&
    operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && INTROSPECTION_ROOT_FIELDS.has(s.name.value))
  );
}
