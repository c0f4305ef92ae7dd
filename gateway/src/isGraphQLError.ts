import type { GraphQLError } from 'graphql';

/**
 * `instanceof GraphQLError` without trusting module identity: graphql 16 has a CJS and
 * an ESM build, and an error made by one copy is not an instance of the other's class.
 * GraphQLError (and every subclass) tags itself with `Symbol.toStringTag`.
 */
export function isGraphQLError(value: unknown): value is GraphQLError {
  return value instanceof Error && Object.prototype.toString.call(value) === '[object GraphQLError]';
}
